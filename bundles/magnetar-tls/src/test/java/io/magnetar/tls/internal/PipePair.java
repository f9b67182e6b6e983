package io.magnetar.tls.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.function.IntUnaryOperator;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/**
 * A client pipe and a server pipe wired to each other in memory: what one hands out is queued, and
 * {@link #pump()} delivers the queues until nothing is in flight. No sockets, no threads.
 */
final class PipePair {

    final Side client;
    final Side server;

    PipePair(SSLEngine clientEngine, SSLEngine serverEngine) {
        client = new Side(clientEngine);
        server = new Side(serverEngine);
    }

    /** Starts both handshakes and pumps until quiet. */
    PipePair handshake() throws SSLException {
        server.pipe.start();
        client.pipe.start();
        pump();
        return this;
    }

    /** Delivers queued records both ways until neither side has anything left to send. */
    void pump() throws SSLException {
        pump(n -> n);
    }

    /** As {@link #pump()}, handing records over in slices of {@code slice.applyAsInt(remaining)} bytes. */
    void pump(IntUnaryOperator slice) throws SSLException {
        while (!client.toNetwork.isEmpty() || !server.toNetwork.isEmpty()) {
            deliver(client, server, slice);
            deliver(server, client, slice);
        }
    }

    private static void deliver(Side from, Side to, IntUnaryOperator slice) throws SSLException {
        ByteBuffer records;
        while ((records = from.toNetwork.poll()) != null) {
            while (records.hasRemaining()) {
                int n = Math.max(1, Math.min(records.remaining(), slice.applyAsInt(records.remaining())));
                ByteBuffer part = records.slice();
                part.limit(n);
                records.position(records.position() + n);
                to.pipe.receive(part);
            }
        }
    }

    /** One end: its pipe and everything the pipe handed out. */
    static final class Side implements SslPipe.Peer {
        final SslPipe pipe;
        final ArrayDeque<ByteBuffer> toNetwork = new ArrayDeque<>();
        /** Every record byte this side sent, for inspecting record boundaries. */
        final ByteArrayOutputStream wire = new ByteArrayOutputStream();

        final ByteArrayOutputStream app = new ByteArrayOutputStream();
        /** Delegated tasks handed out by the pipe and not yet run (when {@link #offload} is set). */
        final ArrayDeque<Runnable> offloaded = new ArrayDeque<>();
        /** Whether the pipe's delegated tasks are taken (and run by {@link #runOffloaded()}) or run inline. */
        boolean offload;

        int handshakes;
        int closeNotifies;
        int handOffs;

        Side(SSLEngine engine) {
            pipe = new SslPipe(engine, this);
        }

        @Override
        public void sslData(ByteBuffer records) {
            handOffs++;
            byte[] copy = new byte[records.remaining()];
            records.duplicate().get(copy);
            wire.writeBytes(copy);
            toNetwork.add(ByteBuffer.wrap(copy)); // records may sit in a buffer the pipe reuses: keep a copy
        }

        @Override
        public void handshakeCompleted() {
            handshakes++;
        }

        @Override
        public void appData(ByteBuffer data) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            app.writeBytes(bytes);
        }

        @Override
        public void closeNotifyReceived() {
            closeNotifies++;
        }

        @Override
        public boolean offloadTasks(Runnable tasks) {
            if (!offload) {
                return false;
            }
            offloaded.add(tasks);
            return true;
        }

        /** Runs the tasks handed out, as a worker would, then tells the pipe, as the loop would. */
        void runOffloaded() throws SSLException {
            for (Runnable tasks; (tasks = offloaded.poll()) != null; ) {
                tasks.run();
                pipe.tasksCompleted();
            }
        }

        void resetWire() {
            wire.reset();
        }
    }
}
