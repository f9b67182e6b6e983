package io.magnetar.protocol.http.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The {@code Date} header line (RFC 9110 5.6.7 IMF-fixdate), formatted at most once per second for
 * the whole process so that responses only copy it. Asked with the caller's monotonic time, it reads
 * the wall clock only when that time passes the next second boundary it expects, so a response costs
 * no clock reading of its own.
 *
 * <p>Thread-safe: loops race to refresh it, and any of the equal results may win.
 */
public final class HttpDate {

    private static final DateTimeFormatter IMF_FIXDATE = DateTimeFormatter.ofPattern(
                    "EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
            .withZone(ZoneOffset.UTC);

    private static volatile Line current = new Line(Long.MIN_VALUE, new byte[0], 0);

    private HttpDate() {}

    /**
     * {@code Date: ...\r\n} for {@code nanoTime} (a recent {@link System#nanoTime()}); the array is shared
     * and must not be changed.
     */
    public static byte[] line(long nanoTime) {
        Line l = current;
        long left = l.validUntil - nanoTime;
        // More than a second left means a clock of another origin set it (a test's manual loop): refresh.
        if (l.second != Long.MIN_VALUE && left > 0 && left <= 1_000_000_000L) {
            return l.bytes;
        }
        return refresh(System.currentTimeMillis(), nanoTime).bytes;
    }

    /** The line for wall-clock {@code millis}, valid until the next second begins ({@code nanoTime} is now). */
    static Line refresh(long millis, long nanoTime) {
        long second = Math.floorDiv(millis, 1000);
        long validUntil = nanoTime + (1000 - Math.floorMod(millis, 1000)) * 1_000_000L;
        Line l = current;
        byte[] bytes = l.second == second
                ? l.bytes
                : ("Date: " + format(second * 1000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        l = new Line(second, bytes, validUntil);
        current = l;
        return l;
    }

    /** {@code millis} as an IMF-fixdate ({@code Sun, 06 Nov 1994 08:49:37 GMT}), to the second. */
    static String format(long millis) {
        return IMF_FIXDATE.format(Instant.ofEpochSecond(Math.floorDiv(millis, 1000)));
    }

    // bytes is shared with every response and never written; equals and hashCode are never used.
    @SuppressWarnings("ArrayRecordComponent")
    record Line(long second, byte[] bytes, long validUntil) {}
}
