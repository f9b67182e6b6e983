package io.magnetar.protocol.http;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A response as read off the wire by the tests' own strict little reader ({@code Content-Length} bodies only). */
record RawResponse(int status, Map<String, String> headers, String body) {

    String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    boolean closes() {
        return "close".equalsIgnoreCase(header("connection"));
    }

    /** The next response on {@code in}, or {@code null} at a clean end of stream. */
    static RawResponse read(InputStream in) throws IOException {
        String statusLine = line(in);
        if (statusLine == null) {
            return null;
        }
        if (!statusLine.matches("HTTP/1\\.1 \\d{3} .*")) {
            throw new IOException("bad status line: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l = line(in); ; l = line(in)) {
            if (l == null) {
                throw new EOFException("end of stream inside a response head");
            }
            if (l.isEmpty()) {
                break;
            }
            int colon = l.indexOf(':');
            headers.put(
                    l.substring(0, colon).toLowerCase(Locale.ROOT),
                    l.substring(colon + 1).strip());
        }
        String length = headers.get("content-length");
        byte[] body = length == null ? new byte[0] : in.readNBytes(Integer.parseInt(length));
        if (length != null && body.length != Integer.parseInt(length)) {
            throw new EOFException("body cut short");
        }
        return new RawResponse(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    /** Every response in {@code wire}, which must hold whole responses only. */
    static List<RawResponse> readAll(String wire) throws IOException {
        InputStream in = new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1));
        List<RawResponse> all = new ArrayList<>();
        for (RawResponse r = read(in); r != null; r = read(in)) {
            all.add(r);
        }
        return all;
    }

    /** Reads a CRLF line; {@code null} at end of stream before any byte. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                byte[] bytes = b.toByteArray();
                if (bytes.length == 0 || bytes[bytes.length - 1] != '\r') {
                    throw new IOException("response line not ended by CRLF");
                }
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
            }
            b.write(c);
        }
        if (b.size() > 0) {
            throw new EOFException("end of stream inside a line");
        }
        return null;
    }
}
