package io.magnetar.tcp.internal;

import io.magnetar.api.Protocol;
import io.magnetar.api.StreamTransport;
import io.magnetar.api.TimerHandle;
import io.magnetar.loop.ChannelHandler;
import io.magnetar.loop.SelectorEventLoop;
import io.magnetar.tcp.SocketStreamTransport;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One outgoing connection attempt: non-blocking connect, a timeout, then the transport adopts the
 * key. Confined to its loop after {@link #start()}.
 */
public final class TcpConnector implements ChannelHandler {

    private final SelectorEventLoop loop;
    private final SocketChannel socket;
    private final InetSocketAddress address;
    private final Duration timeout;
    private final Protocol protocol;
    private final CompletableFuture<StreamTransport> result = new CompletableFuture<>();
    private SelectionKey key;
    private TimerHandle timer;

    public TcpConnector(
            SelectorEventLoop loop,
            SocketChannel socket,
            InetSocketAddress address,
            Duration timeout,
            Protocol protocol) {
        this.loop = loop;
        this.socket = socket;
        this.address = address;
        this.timeout = timeout;
        this.protocol = protocol;
    }

    public CompletableFuture<StreamTransport> start() {
        loop.execute(this::connect);
        return result;
    }

    private void connect() {
        try {
            if (socket.connect(address)) {
                succeed();
                return;
            }
            key = loop.register(socket, SelectionKey.OP_CONNECT, this);
            timer = loop.callLater(
                    timeout,
                    () -> fail(new SocketTimeoutException(
                            "connect to " + address + " timed out after " + timeout.toMillis() + " ms")));
        } catch (IOException | RuntimeException e) {
            fail(refused(e));
        }
    }

    @Override
    public void ready(int readyOps) {
        try {
            if (socket.finishConnect()) {
                succeed();
            }
        } catch (IOException e) {
            fail(refused(e));
        }
    }

    private ConnectException refused(Exception e) {
        ConnectException c = new ConnectException("cannot connect to " + address + ": " + e.getMessage());
        c.initCause(e);
        return c;
    }

    private void succeed() {
        if (timer != null) {
            timer.cancel();
        }
        if (result.isDone()) {
            return;
        }
        SocketStreamTransport transport;
        try {
            transport = new SocketStreamTransport(loop, socket, protocol);
        } catch (IOException e) {
            fail(refused(e));
            return;
        }
        if (transport.start(key)) {
            // Even when connectionMade closed the transport again: the connection was made.
            result.complete(transport);
        } else {
            // connectionMade threw: the transport already ended itself and reports through connectionLost.
            result.completeExceptionally(new IOException("connection to " + address + " closed in connectionMade"));
        }
    }

    private void fail(Exception e) {
        if (timer != null) {
            timer.cancel();
        }
        if (key != null) {
            key.cancel();
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // the attempt has failed already
        }
        result.completeExceptionally(e);
    }

    @Override
    public void abort(Throwable cause) {
        fail(cause instanceof Exception e ? e : new IOException("event loop closed while connecting to " + address));
    }
}
