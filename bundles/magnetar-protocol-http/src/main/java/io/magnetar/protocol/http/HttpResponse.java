package io.magnetar.protocol.http;

import io.magnetar.protocol.http.internal.Ascii;
import io.magnetar.protocols.ProtocolConsumer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A response: status, header fields and body. Its status line and header fields are encoded once,
 * when it is built, so a constant response (build it once, return it from every call) costs a copy
 * of bytes per request and nothing more. The connection adds {@code Date}, {@code Content-Length}
 * and, when it closes, {@code Connection: close}; those fields cannot be set here.
 *
 * <p>Immutable.
 */
public final class HttpResponse {

    private static final byte[] EMPTY = new byte[0];
    private static final String[] RESERVED = {"content-length", "transfer-encoding", "connection", "date"};

    private final int status;
    private final String reason;
    /** Names and values, alternating. */
    private final String[] fields;

    private final byte[] body;
    private final byte[] head;
    /** A body sent from a file (sendFile: the kernel's sendfile on TCP), or {@code null}. */
    private final FileBody file;
    /** For a 101: what the connection's bytes go to once this response is written. */
    private final Supplier<? extends ProtocolConsumer> upgrade;

    private HttpResponse(Builder b) {
        this.upgrade = b.upgrade;
        this.file = b.file;
        this.status = b.status;
        this.reason = b.reason != null ? b.reason : reasonPhrase(b.status);
        this.fields = b.fields.toArray(new String[0]);
        this.body = b.body;
        this.head = encodeHead();
    }

    /**
     * {@code 101 Switching Protocols} to {@code protocol} (the {@code Upgrade} field) with {@code fields}
     * ({@code Sec-WebSocket-Accept}, say): once it is written, every later byte of the connection goes
     * to consumers from {@code upgrade} (pulsar's {@code Connection.upgrade}), and the HTTP timeouts
     * stop. Only for a request that asked for the upgrade. @since 1.1
     */
    public static HttpResponse switchingProtocols(
            String protocol, Map<String, String> fields, Supplier<? extends ProtocolConsumer> upgrade) {
        Builder b = new Builder(101, true);
        b.header("Upgrade", protocol);
        b.fields.add("Connection");
        b.fields.add("Upgrade");
        fields.forEach(b::header);
        b.upgrade = Objects.requireNonNull(upgrade, "upgrade");
        return b.build();
    }

    /** The consumer factory a 101 switches the connection to, or {@code null}. */
    Supplier<? extends ProtocolConsumer> upgrade() {
        return upgrade;
    }

    /** Part of a file as a body. */
    record FileBody(Path path, long position, long length) {}

    /**
     * 200 with the whole of {@code file} as the body, sent without copying it through the heap
     * ({@link io.magnetar.api.StreamTransport#sendFile}), its {@code Content-Type} from its extension.
     * The file is opened when the response is written; one that is gone by then ends the connection.
     *
     * @throws java.io.IOException when the file's size cannot be read
     * @since 1.1
     */
    public static HttpResponse file(Path file) throws java.io.IOException {
        return builder(200)
                .contentType(ContentTypes.of(file.getFileName().toString()))
                .file(file, 0, java.nio.file.Files.size(file))
                .build();
    }

    /** The content type of a file by its name's extension ({@code application/octet-stream} when unknown). @since 1.1 */
    public static String contentTypeOf(String fileName) {
        return ContentTypes.of(fileName);
    }

    FileBody fileBody() {
        return file;
    }

    /** 200 with {@code text/plain; charset=utf-8} and {@code text} as the body. */
    public static HttpResponse text(String text) {
        return text(200, text);
    }

    /** {@code status} with {@code text/plain; charset=utf-8} and {@code text} as the body. */
    public static HttpResponse text(int status, String text) {
        return builder(status)
                .contentType("text/plain; charset=utf-8")
                .body(text)
                .build();
    }

    /** {@code status} with no body. */
    public static HttpResponse of(int status) {
        return builder(status).build();
    }

    /** A builder for a response with {@code status} (200..599; 1xx are the connection's). */
    public static Builder builder(int status) {
        return new Builder(status);
    }

    public int status() {
        return status;
    }

    public String reason() {
        return reason;
    }

    /** The first value of header {@code name} (any case), or {@code null}. */
    public String header(String name) {
        for (int i = 0; i < fields.length; i += 2) {
            if (fields[i].equalsIgnoreCase(name)) {
                return fields[i + 1];
            }
        }
        return null;
    }

    /** A copy of the body. */
    public byte[] body() {
        return body.clone();
    }

    public int bodyLength() {
        return body.length;
    }

    /** The body decoded as UTF-8. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** 1xx, 204 and 304 have neither a body nor a {@code Content-Length} (RFC 9110 8.6). */
    boolean hasBody() {
        return status >= 200 && status != 204 && status != 304;
    }

    /** The shared body array: read, never written, by the connection. */
    byte[] bodyArray() {
        return body;
    }

    /** Status line and header fields with their CRLFs, without the final empty line. */
    byte[] encodedHead() {
        return head;
    }

    private byte[] encodeHead() {
        StringBuilder s = new StringBuilder(64 + 32 * fields.length);
        s.append("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n");
        if (header("server") == null) {
            s.append("Server: Magnetar\r\n");
        }
        for (int i = 0; i < fields.length; i += 2) {
            s.append(fields[i]).append(": ").append(fields[i + 1]).append("\r\n");
        }
        if (hasBody()) {
            s.append("Content-Length: ")
                    .append(file != null ? file.length() : body.length)
                    .append("\r\n");
        }
        return s.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
        return "HttpResponse[" + status + " " + reason + ", " + body.length + " bytes]";
    }

    /** The standard reason phrase of {@code status}, or an empty one. */
    static String reasonPhrase(int status) {
        switch (status) {
            case 100:
                return "Continue";
            case 101:
                return "Switching Protocols";
            case 200:
                return "OK";
            case 201:
                return "Created";
            case 202:
                return "Accepted";
            case 204:
                return "No Content";
            case 301:
                return "Moved Permanently";
            case 302:
                return "Found";
            case 303:
                return "See Other";
            case 304:
                return "Not Modified";
            case 307:
                return "Temporary Redirect";
            case 308:
                return "Permanent Redirect";
            case 400:
                return "Bad Request";
            case 401:
                return "Unauthorized";
            case 403:
                return "Forbidden";
            case 404:
                return "Not Found";
            case 405:
                return "Method Not Allowed";
            case 408:
                return "Request Timeout";
            case 409:
                return "Conflict";
            case 411:
                return "Length Required";
            case 412:
                return "Precondition Failed";
            case 413:
                return "Content Too Large";
            case 414:
                return "URI Too Long";
            case 415:
                return "Unsupported Media Type";
            case 416:
                return "Range Not Satisfiable";
            case 417:
                return "Expectation Failed";
            case 426:
                return "Upgrade Required";
            case 429:
                return "Too Many Requests";
            case 431:
                return "Request Header Fields Too Large";
            case 500:
                return "Internal Server Error";
            case 501:
                return "Not Implemented";
            case 502:
                return "Bad Gateway";
            case 503:
                return "Service Unavailable";
            case 504:
                return "Gateway Timeout";
            case 505:
                return "HTTP Version Not Supported";
            default:
                return "";
        }
    }

    /** Builds an {@link HttpResponse}. Not thread-safe. */
    public static final class Builder {
        private final int status;
        private String reason;
        private final List<String> fields = new ArrayList<>();
        private byte[] body = EMPTY;
        private Supplier<? extends ProtocolConsumer> upgrade;
        private FileBody file;

        private Builder(int status) {
            this(status, false);
        }

        private Builder(int status, boolean informational) {
            if (!informational && (status < 200 || status > 599)) {
                throw new IllegalArgumentException("status must be in 200..599: " + status);
            }
            this.status = status;
        }

        /** Replaces the standard reason phrase. */
        public Builder reason(String reason) {
            checkValue(reason);
            this.reason = reason;
            return this;
        }

        /**
         * Adds a header field. {@code Content-Length}, {@code Transfer-Encoding}, {@code Connection} and
         * {@code Date} are the connection's and refused; a {@code Server} field replaces Magnetar's.
         *
         * @throws IllegalArgumentException for a name that is not a token, a reserved name, or a value
         *     with CR, LF or another control character (no response splitting)
         */
        public Builder header(String name, String value) {
            byte[] n = name.getBytes(StandardCharsets.ISO_8859_1);
            boolean token = n.length > 0 && name.chars().allMatch(c -> c < 128);
            for (byte b : n) {
                token &= Ascii.isTchar(b);
            }
            if (!token) {
                throw new IllegalArgumentException("not a header field name: '" + name + "'");
            }
            for (String r : RESERVED) {
                if (r.equalsIgnoreCase(name)) {
                    throw new IllegalArgumentException(name + " is set by the connection");
                }
            }
            checkValue(value);
            fields.add(name);
            fields.add(value);
            return this;
        }

        private static void checkValue(String value) {
            Objects.requireNonNull(value, "value");
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c > 0xff || (c < 0x20 && c != '\t') || c == 0x7f) {
                    throw new IllegalArgumentException("control or non-Latin-1 character in header value: "
                            + Arrays.toString(value.getBytes(StandardCharsets.UTF_8)));
                }
            }
        }

        /** Sets {@code Content-Type}, replacing an earlier one. */
        public Builder contentType(String type) {
            for (int i = 0; i < fields.size(); i += 2) {
                if (fields.get(i).equalsIgnoreCase("content-type")) {
                    fields.remove(i);
                    fields.remove(i);
                    break;
                }
            }
            return header("Content-Type", type);
        }

        /** The body; the array is copied. */
        public Builder body(byte[] bytes) {
            this.body = bytes.clone();
            this.file = null;
            return this;
        }

        /**
         * {@code length} bytes of {@code path} from {@code position} as the body, sent with
         * {@code sendFile} when the response is written. @since 1.1
         */
        public Builder file(Path path, long position, long length) {
            if (position < 0 || length < 0) {
                throw new IllegalArgumentException("negative position or length");
            }
            this.file = new FileBody(Objects.requireNonNull(path, "path"), position, length);
            this.body = EMPTY;
            return this;
        }

        /** The body as UTF-8. */
        public Builder body(String text) {
            this.body = text.getBytes(StandardCharsets.UTF_8);
            return this;
        }

        /**
         * Builds the response.
         *
         * @throws IllegalStateException for a 204 or 304 with a body
         */
        public HttpResponse build() {
            if ((status == 204 || status == 304) && body.length > 0) {
                throw new IllegalStateException(status + " responses carry no body");
            }
            return new HttpResponse(this);
        }
    }
}
