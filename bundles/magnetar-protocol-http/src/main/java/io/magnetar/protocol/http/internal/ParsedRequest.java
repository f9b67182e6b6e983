package io.magnetar.protocol.http.internal;

import io.magnetar.protocol.http.HttpRequest;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@link HttpRequest} over a parsed {@link RequestHead} and {@link BodyBuffer}. The connection's
 * instance is a view that changes with every request; {@link #detach()} copies the bytes into a new,
 * unchanging instance.
 *
 * <p>Confined to its connection's event loop while it is a view; immutable once detached.
 */
public final class ParsedRequest implements HttpRequest {

    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"};
    private static final byte[] SLASH = {'/'};

    private final RequestHead head;
    private final byte[] detachedBody;
    private final BodyBuffer body;
    private SocketAddress remote;
    /** The route that took this request, set by the router; for metrics. */
    private RouteMetrics route = RouteMetrics.UNMATCHED;

    ParsedRequest(RequestHead head, BodyBuffer body) {
        this.head = head;
        this.body = body;
        this.detachedBody = null;
    }

    private ParsedRequest(RequestHead head, byte[] body, SocketAddress remote) {
        this.head = head;
        this.body = null;
        this.detachedBody = body;
        this.remote = remote;
    }

    /** Set once per connection, when it is made. */
    public void route(RouteMetrics route) {
        this.route = route;
    }

    public RouteMetrics route() {
        return route;
    }

    public void remoteAddress(SocketAddress address) {
        this.remote = address;
    }

    private byte[] bodyArray() {
        return detachedBody != null ? detachedBody : body.array();
    }

    private int bodyLength() {
        return detachedBody != null ? detachedBody.length : body.length();
    }

    private String text(int from, int to) {
        return new String(head.buf, from, to - from, StandardCharsets.ISO_8859_1);
    }

    @Override
    public String method() {
        // The usual methods come back as constants: no String per request.
        for (String m : METHODS) {
            if (head.methodEnd - head.methodStart == m.length() && isExactly(m)) {
                return m;
            }
        }
        return text(head.methodStart, head.methodEnd);
    }

    private boolean isExactly(String upper) {
        for (int i = 0; i < upper.length(); i++) {
            if (head.buf[head.methodStart + i] != upper.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** True when the method is exactly {@code method} (method names are case-sensitive). */
    public boolean methodIs(byte[] method) {
        return Arrays.equals(head.buf, head.methodStart, head.methodEnd, method, 0, method.length);
    }

    /** True for {@code HEAD}: the response is sent without its body. */
    public boolean isHead() {
        int s = head.methodStart;
        return head.methodEnd - s == 4
                && head.buf[s] == 'H'
                && head.buf[s + 1] == 'E'
                && head.buf[s + 2] == 'A'
                && head.buf[s + 3] == 'D';
    }

    /** {@link String#hashCode()} of {@link #path()}, computed on the bytes. */
    public int pathHash() {
        return head.pathStart == head.pathEnd
                ? Ascii.hash(SLASH, 0, 1)
                : Ascii.hash(head.buf, head.pathStart, head.pathEnd);
    }

    /** True when the path is exactly {@code path} (Latin-1 bytes). */
    public boolean pathIs(byte[] path) {
        if (head.pathStart == head.pathEnd) {
            return Arrays.equals(path, SLASH);
        }
        return Arrays.equals(head.buf, head.pathStart, head.pathEnd, path, 0, path.length);
    }

    /**
     * True when the path is {@code prefix} or starts with {@code prefix} followed by {@code /}
     * ({@code prefix} without its trailing slash; the prefix {@code ""} matches every path).
     */
    public boolean pathUnder(byte[] prefix) {
        int from = head.pathStart;
        int length = head.pathEnd - from;
        if (length == 0) {
            return prefix.length == 0;
        }
        if (length < prefix.length || !Arrays.equals(head.buf, from, from + prefix.length, prefix, 0, prefix.length)) {
            return false;
        }
        return length == prefix.length || head.buf[from + prefix.length] == '/';
    }

    /** True for the asterisk-form target {@code *} (RFC 9112 section 3.2.4). */
    public boolean isAsterisk() {
        return head.targetEnd - head.targetStart == 1 && head.buf[head.targetStart] == '*';
    }

    /** True for {@code OPTIONS}. */
    public boolean isOptions() {
        return methodIs(OPTIONS);
    }

    private static final byte[] OPTIONS = {'O', 'P', 'T', 'I', 'O', 'N', 'S'};

    @Override
    public String target() {
        return text(head.targetStart, head.targetEnd);
    }

    @Override
    public String path() {
        return head.pathStart == head.pathEnd ? "/" : text(head.pathStart, head.pathEnd);
    }

    @Override
    public String query() {
        return head.queryStart < 0 ? null : text(head.queryStart, head.targetEnd);
    }

    @Override
    public String version() {
        return head.http11 ? "HTTP/1.1" : "HTTP/1.0";
    }

    /** True for HTTP/1.0 (a kept-alive HTTP/1.0 connection needs {@code Connection: keep-alive} in responses). */
    public boolean isHttp10() {
        return !head.http11;
    }

    @Override
    public String header(String name) {
        int[] f = head.fields;
        for (int i = 0; i < head.fieldCount * 4; i += 4) {
            if (Ascii.equalsIgnoreCase(head.buf, f[i], f[i + 1], name)) {
                return text(f[i + 2], f[i + 3]);
            }
        }
        return null;
    }

    @Override
    public List<String> headers(String name) {
        List<String> values = new ArrayList<>(2);
        int[] f = head.fields;
        for (int i = 0; i < head.fieldCount * 4; i += 4) {
            if (Ascii.equalsIgnoreCase(head.buf, f[i], f[i + 1], name)) {
                values.add(text(f[i + 2], f[i + 3]));
            }
        }
        return List.copyOf(values);
    }

    @Override
    public List<String> headerNames() {
        List<String> names = new ArrayList<>(head.fieldCount);
        int[] f = head.fields;
        outer:
        for (int i = 0; i < head.fieldCount * 4; i += 4) {
            for (String seen : names) {
                if (Ascii.equalsIgnoreCase(head.buf, f[i], f[i + 1], seen)) {
                    continue outer;
                }
            }
            names.add(text(f[i], f[i + 1]));
        }
        return List.copyOf(names);
    }

    @Override
    public ByteBuffer body() {
        return ByteBuffer.wrap(bodyArray(), 0, bodyLength()).slice().asReadOnlyBuffer();
    }

    @Override
    public byte[] bodyBytes() {
        return Arrays.copyOf(bodyArray(), bodyLength());
    }

    @Override
    public String bodyText() {
        return new String(bodyArray(), 0, bodyLength(), StandardCharsets.UTF_8);
    }

    @Override
    public boolean keepAlive() {
        FramingFields f = head.framing;
        return head.http11 ? !f.closeToken : f.keepAliveToken && !f.closeToken;
    }

    @Override
    public SocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public ParsedRequest detach() {
        if (detachedBody != null) {
            return this;
        }
        return new ParsedRequest(head.copy(), bodyBytes(), remote);
    }

    @Override
    public String toString() {
        return method() + " " + target() + " " + version();
    }
}
