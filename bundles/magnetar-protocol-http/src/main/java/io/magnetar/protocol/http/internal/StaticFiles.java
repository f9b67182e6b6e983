package io.magnetar.protocol.http.internal;

import io.magnetar.protocol.http.HttpHandler;
import io.magnetar.protocol.http.HttpRequest;
import io.magnetar.protocol.http.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Serves the files under one directory for a path prefix: GET and HEAD, one {@code Range} (206, or
 * 416 when unsatisfiable; several ranges or a malformed one are ignored: 200), {@code ETag} and
 * {@code Last-Modified} with the conditional fields of RFC 9110 13 ({@link Preconditions}): 412 for a
 * failed {@code If-Match} / {@code If-Unmodified-Since}, 304 for {@code If-None-Match} /
 * {@code If-Modified-Since}, and {@code If-Range} (strong validators only). Bodies go out with
 * {@code sendFile}.
 *
 * <p>No path ever resolves outside the directory: the path is percent-decoded once (an encoded
 * {@code /}, a backslash or NUL is a 400), {@code ..} segments are refused, and the real path (symbolic
 * links followed) must still be under the directory's real path, else 404. A directory serves its index
 * file or is 404 (no listings); a directory named without its trailing slash is redirected (301) to it.
 *
 * <p>Thread-safe (immutable); runs on the event loop — file metadata calls are quick local syscalls.
 */
public final class StaticFiles implements HttpHandler {

    private static final HttpResponse NOT_FOUND = HttpResponse.text(404, "Not Found\n");
    private static final HttpResponse PRECONDITION_FAILED = HttpResponse.text(412, "Precondition Failed\n");

    /** Paths remembered at most: each is an existing file, but many spellings could name one. */
    private static final int CACHE_LIMIT = 4096;

    /** A file as last seen: what its 200 and 304 are, valid while its size and modification time hold. */
    private record Known(
            Path file,
            long size,
            long modified,
            String etag,
            String lastModified,
            HttpResponse ok,
            HttpResponse notModified) {}

    /** Request path (as sent) to the file it resolved to; revalidated by one stat per request. */
    private final java.util.concurrent.ConcurrentHashMap<String, Known> known =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final String prefix;
    private final Path root;
    private final String cacheControl;
    private final String index;

    /**
     * @param pattern the route, {@code /assets/*} (or {@code /*})
     * @param directory the directory served; must exist
     */
    public StaticFiles(String pattern, Path directory, String cacheControl, String index) throws IOException {
        this.prefix = pattern.endsWith("/*") ? pattern.substring(0, pattern.length() - 2) : pattern;
        this.root = directory.toRealPath();
        if (!Files.isDirectory(root)) {
            throw new IOException(directory + " is not a directory");
        }
        this.cacheControl = cacheControl == null || cacheControl.isBlank() ? null : cacheControl.trim();
        this.index = index == null || index.isBlank() ? "index.html" : index.trim();
    }

    @Override
    public HttpResponse handle(HttpRequest request) throws IOException {
        String method = request.method();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return HttpResponse.builder(405)
                    .header("Allow", "GET, HEAD")
                    .contentType("text/plain; charset=utf-8")
                    .body("Method Not Allowed\n")
                    .build();
        }
        String raw = request.path();
        if (!raw.startsWith(prefix)) {
            return NOT_FOUND;
        }
        Known k = known.get(raw);
        if (k != null) {
            BasicFileAttributes now = attributes(k.file());
            if (now != null
                    && now.isRegularFile()
                    && now.size() == k.size()
                    && now.lastModifiedTime().toMillis() == k.modified()) {
                return respond(request, k);
            }
            known.remove(raw);
        }
        String decoded = decode(raw.substring(prefix.length()));
        if (decoded == null) {
            return HttpResponse.text(400, "malformed path\n");
        }
        Path file = resolve(decoded);
        if (file == null) {
            return NOT_FOUND;
        }
        BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
        if (attrs.isDirectory()) {
            if (!raw.endsWith("/")) {
                // As nginx and Apache: the page's relative links resolve against the directory, not its parent.
                String query = request.query();
                // One leading slash: "//host/dir" as a Location would send the browser to another host.
                String path = "/" + raw.replaceFirst("^/+", "");
                return HttpResponse.builder(301)
                        .header("Location", path + "/" + (query == null ? "" : "?" + query))
                        .contentType("text/plain; charset=utf-8")
                        .body("Moved Permanently\n")
                        .build();
            }
            file = file.resolve(index);
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return NOT_FOUND;
            }
            attrs = Files.readAttributes(file, BasicFileAttributes.class);
        } else if (!attrs.isRegularFile()) {
            return NOT_FOUND;
        }
        Known k2 = know(file, attrs);
        if (known.size() < CACHE_LIMIT) {
            known.put(raw, k2);
        }
        return respond(request, k2);
    }

    private static BasicFileAttributes attributes(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            return null;
        }
    }

    /** Builds the validators and the 200 and 304 of {@code file} once (a response's head is encoded when built). */
    private Known know(Path file, BasicFileAttributes attrs) {
        long size = attrs.size();
        long millis = attrs.lastModifiedTime().toMillis();
        String etag = "\"" + Long.toHexString(size) + "-" + Long.toHexString(millis) + "\"";
        String lastModified = HttpDate.format(millis);
        HttpResponse ok = cache(HttpResponse.builder(200)
                        .contentType(contentType(file))
                        .header("ETag", etag)
                        .header("Last-Modified", lastModified)
                        .header("Accept-Ranges", "bytes"))
                .file(file, 0, size)
                .build();
        HttpResponse notModified = cache(
                        HttpResponse.builder(304).header("ETag", etag).header("Last-Modified", lastModified))
                .build();
        return new Known(file, size, millis, etag, lastModified, ok, notModified);
    }

    private HttpResponse respond(HttpRequest request, Known k) {
        Path file = k.file();
        long size = k.size();
        String etag = k.etag();
        String lastModified = k.lastModified();
        // Validators as Last-Modified shows them: to the second.
        long modifiedSecond = Math.floorDiv(k.modified(), 1000);
        long now = System.currentTimeMillis();
        switch (Preconditions.evaluate(request, etag, modifiedSecond, now)) {
            case 412:
                return PRECONDITION_FAILED;
            case 304:
                return k.notModified();
            default:
                break;
        }
        String range = request.header("range");
        if (range != null
                && request.method().equals("GET")
                && Preconditions.ifRangeHolds(request.header("if-range"), etag, modifiedSecond, now)) {
            long[] r = singleRange(range, size);
            if (r != null && r.length == 0) {
                return cache(HttpResponse.builder(416)
                                .header("Content-Range", "bytes */" + size)
                                .contentType("text/plain; charset=utf-8")
                                .body("Range Not Satisfiable\n"))
                        .build();
            }
            if (r != null) {
                HttpResponse.Builder partial = HttpResponse.builder(206)
                        .contentType(contentType(file))
                        .header("ETag", etag)
                        .header("Last-Modified", lastModified)
                        .header("Accept-Ranges", "bytes")
                        .header("Content-Range", "bytes " + r[0] + "-" + r[1] + "/" + size);
                return cache(partial).file(file, r[0], r[1] - r[0] + 1).build();
            }
        }
        return k.ok();
    }

    private HttpResponse.Builder cache(HttpResponse.Builder b) {
        return cacheControl == null ? b : b.header("Cache-Control", cacheControl);
    }

    private static String contentType(Path file) {
        return io.magnetar.protocol.http.HttpResponse.contentTypeOf(
                file.getFileName().toString());
    }

    /**
     * The one range of a {@code bytes=} header as {first, last}; an empty array when it cannot be
     * satisfied (416); null to ignore the header (several ranges, another unit, a malformed one: 200).
     */
    static long[] singleRange(String header, long size) {
        String h = header.trim();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6) || h.indexOf(',') >= 0) {
            return null;
        }
        String spec = h.substring(6).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        String a = spec.substring(0, dash).trim();
        String b = spec.substring(dash + 1).trim();
        try {
            if (a.isEmpty()) {
                if (b.isEmpty() || !digits(b)) {
                    return null;
                }
                long suffix = Long.parseLong(b);
                if (suffix == 0 || size == 0) {
                    return new long[0];
                }
                return new long[] {Math.max(0, size - suffix), size - 1};
            }
            if (!digits(a) || (!b.isEmpty() && !digits(b))) {
                return null;
            }
            long first = Long.parseLong(a);
            long last = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
            if (!b.isEmpty() && Long.parseLong(b) < first) {
                return null; // last before first: invalid, ignored
            }
            return first >= size ? new long[0] : new long[] {first, last};
        } catch (NumberFormatException e) {
            return null; // beyond a long
        }
    }

    private static boolean digits(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** Percent-decodes once, as UTF-8; null for a malformed escape, invalid UTF-8, an encoded '/', '\\' or NUL. */
    static String decode(String path) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '%') {
                if (i + 2 >= path.length()) {
                    return null;
                }
                int hi = Character.digit(path.charAt(i + 1), 16);
                int lo = Character.digit(path.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                int b = hi << 4 | lo;
                if (b == '/' || b == '\\' || b == 0) {
                    return null;
                }
                bytes.write(b);
                i += 2;
            } else if (c == '\\' || c == 0) {
                return null;
            } else {
                bytes.write(c);
            }
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** The real path of {@code decoded} under the root, or null when it is not there or leads out of it. */
    private Path resolve(String decoded) throws IOException {
        Path p = root;
        for (String segment : decoded.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                return null;
            }
            p = p.resolve(segment);
        }
        try {
            Path real = p.toRealPath();
            return real.startsWith(root) ? real : null;
        } catch (FileSystemException | java.nio.file.InvalidPathException e) {
            // Absent, not a directory on the way (a file, or a link to one, followed by more path), not
            // readable: all a 404 for the client, whose path it is.
            return null;
        }
    }

    @Override
    public String toString() {
        return "static files " + prefix + "/* from " + root;
    }
}
