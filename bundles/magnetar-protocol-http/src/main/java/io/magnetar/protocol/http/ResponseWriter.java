package io.magnetar.protocol.http;

import io.magnetar.api.StreamTransport;
import io.magnetar.protocol.http.internal.HttpDate;
import io.magnetar.protocols.codec.PendingOutput;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;

/**
 * Encodes responses into an output buffer and hands it to the transport with
 * {@link StreamTransport#writeCopy}, which copies only what the socket does not take at once; so the
 * responses to requests that arrived together leave in one write and, in steady state, nothing is
 * allocated. The buffer is one of the event loop thread's shared ones ({@link PendingOutput}), borrowed at the
 * first response and given back at the flush, so an idle connection keeps no output buffer. Bodies
 * over {@link #COPY_BODY_UP_TO} are not copied: their (immutable) array is written as is.
 *
 * <p>Confined to its connection's event loop.
 */
final class ResponseWriter {

    /** Bodies up to this size are copied next to their head: one write beats a gathering write of two. */
    static final int COPY_BODY_UP_TO = 8 * 1024;
    /**
     * File bodies up to this size are read (one pread from the page cache) next to their head: one send
     * instead of a send for the head and a sendfile for the body, which on loopback costs about as much
     * again as the data. Larger ones go with sendfile.
     */
    static final int COPY_FILE_UP_TO = 16 * 1024;
    /** Past this much pending output, write now rather than grow the buffer. */
    static final int FLUSH_AT = 16 * 1024;

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] CLOSE = ascii("Connection: close\r\n");
    private static final byte[] KEEP_ALIVE = ascii("Connection: keep-alive\r\n");
    private static final byte[] CONTINUE = ascii("HTTP/1.1 100 Continue\r\n\r\n");

    private static final System.Logger LOG = System.getLogger(ResponseWriter.class.getName());

    private StreamTransport transport;
    private final PendingOutput output = new PendingOutput();
    private long writes;

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    void attach(StreamTransport t) {
        this.transport = t;
        output.attach(t);
    }

    /**
     * Adds {@code r} to the pending output. {@code headRequest} drops the body (its length stays);
     * {@code close} adds {@code Connection: close}; {@code keepAlive10} tells an HTTP/1.0 client that
     * the connection stays. {@code now} (loop time) dates it.
     */
    void add(HttpResponse r, boolean headRequest, boolean close, boolean keepAlive10, long now) {
        byte[] head = r.encodedHead();
        byte[] date = HttpDate.line(now);
        byte[] connection = close ? CLOSE : keepAlive10 ? KEEP_ALIVE : null;
        HttpResponse.FileBody file = headRequest || !r.hasBody() ? null : r.fileBody();
        byte[] body = headRequest || !r.hasBody() ? null : r.bodyArray();
        boolean copyBody = body != null && body.length <= COPY_BODY_UP_TO;
        boolean copyFile = file != null && file.length() <= COPY_FILE_UP_TO;
        int size = head.length
                + date.length
                + (connection == null ? 0 : connection.length)
                + CRLF.length
                + (copyBody ? body.length : 0)
                + (copyFile ? (int) file.length() : 0);
        ByteBuffer out = output.reserve(size);
        out.put(head).put(date);
        if (connection != null) {
            out.put(connection);
        }
        out.put(CRLF);
        if (copyFile) {
            readFile(out, file);
            return;
        }
        if (file != null) {
            flush();
            sendFile(file);
            return;
        }
        if (copyBody) {
            out.put(body);
        } else if (body != null && body.length > 0) {
            flush();
            // Read-only: the transport moves the view's position, never the response's bytes.
            transport.write(ByteBuffer.wrap(body).asReadOnlyBuffer());
            writes++;
            return;
        }
        if (output.pending() >= FLUSH_AT) {
            flush();
        }
    }

    /** A small file body read into the output buffer after its head; a file gone or shorter ends the connection. */
    private void readFile(ByteBuffer out, HttpResponse.FileBody file) {
        int end = out.position() + (int) file.length();
        try (FileChannel channel = FileChannel.open(file.path(), StandardOpenOption.READ)) {
            ByteBuffer view = out.duplicate();
            view.limit(end);
            long position = file.position();
            while (view.hasRemaining()) {
                int n = channel.read(view, position);
                if (n < 0) {
                    throw new java.io.EOFException("file shorter than its response");
                }
                position += n;
            }
            out.position(end);
        } catch (java.io.IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot read {0} for a response: {1}", file.path(), e);
            flush();
            transport.abort(); // the head promised a length: a reset tells the client the body is not coming
            return;
        }
        if (output.pending() >= FLUSH_AT) {
            flush();
        }
    }

    /** The body from the file, by the transport's sendFile; a file gone since the head was built ends the connection. */
    // The callback closes the channel and, on failure, logs it and aborts the transport.
    @SuppressWarnings("FutureReturnValueIgnored")
    private void sendFile(HttpResponse.FileBody file) {
        FileChannel channel;
        try {
            channel = FileChannel.open(file.path(), StandardOpenOption.READ);
        } catch (java.io.IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot open {0} for a response: {1}", file.path(), e);
            transport.abort(); // the head promised a length: a reset tells the client the body is not coming
            return;
        }
        writes++;
        transport.sendFile(channel, file.position(), file.length()).whenComplete((n, e) -> {
            try {
                channel.close();
            } catch (java.io.IOException ignored) {
                // read-only: nothing was lost
            }
            if (e != null) {
                LOG.log(System.Logger.Level.DEBUG, "sending {0} failed: {1}", file.path(), e);
                transport.abort();
            }
        });
    }

    /** Sends {@code 100 Continue} now: the client is waiting for it before it sends the body. */
    void writeContinue() {
        output.reserve(CONTINUE.length).put(CONTINUE);
        flush();
    }

    /** Hands the pending output to the transport, and the buffer back. */
    void flush() {
        if (output.flush()) {
            writes++;
        }
    }

    /** Drops the pending output unsent (the connection is gone) and gives the buffer back. */
    void release() {
        output.release();
    }

    boolean hasPending() {
        return output.pending() > 0;
    }

    /** True while this writer holds an output buffer (tests: an idle connection holds none). */
    boolean holdsBuffer() {
        return output.holdsBuffer();
    }

    /** True while the buffer it holds is the loop thread's shared one. */
    boolean holdsLoopBuffer() {
        return output.holdsSharedBuffer();
    }

    /** Writes handed to the transport so far (tests check batching with it). */
    long writes() {
        return writes;
    }
}
