package io.magnetar.protocol.http.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The {@code Date} header line (RFC 9110 5.6.7 IMF-fixdate), formatted at most once per second for
 * the whole process so that responses only copy it.
 *
 * <p>Thread-safe: loops race to refresh it, and any of the equal results may win.
 */
public final class HttpDate {

    private static final DateTimeFormatter IMF_FIXDATE = DateTimeFormatter.ofPattern(
                    "EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
            .withZone(ZoneOffset.UTC);

    private static volatile Line current = new Line(Long.MIN_VALUE, new byte[0]);

    private HttpDate() {}

    /** {@code Date: ...\r\n} for now; the array is shared and must not be changed. */
    public static byte[] line() {
        return line(System.currentTimeMillis());
    }

    static byte[] line(long millis) {
        long second = Math.floorDiv(millis, 1000);
        Line l = current;
        if (l.second != second) {
            String text = "Date: " + format(second * 1000) + "\r\n";
            l = new Line(second, text.getBytes(StandardCharsets.US_ASCII));
            current = l;
        }
        return l.bytes;
    }

    /** {@code millis} as an IMF-fixdate ({@code Sun, 06 Nov 1994 08:49:37 GMT}), to the second. */
    static String format(long millis) {
        return IMF_FIXDATE.format(Instant.ofEpochSecond(Math.floorDiv(millis, 1000)));
    }

    // bytes is shared with every response and never written; equals and hashCode are never used.
    @SuppressWarnings("ArrayRecordComponent")
    private record Line(long second, byte[] bytes) {}
}
