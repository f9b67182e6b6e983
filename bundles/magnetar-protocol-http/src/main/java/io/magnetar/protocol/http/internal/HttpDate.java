package io.magnetar.protocol.http.internal;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The {@code Date} header line (RFC 9110 5.6.7 IMF-fixdate), formatted at most once per second for
 * the whole process so that responses only copy it. Asked with the caller's monotonic time, it reads
 * the wall clock only when that time passes the next second boundary it expects, so a response costs
 * no clock reading of its own. Also reads the dates of conditional requests, in all three formats.
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

    /** What {@link #parse} gives for a value that is not an HTTP-date. */
    static final long INVALID = Long.MIN_VALUE;

    private static final String MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";
    private static final String DAYS = "MonTueWedThuFriSatSun";
    private static final String[] LONG_DAYS = {
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"
    };

    /**
     * The epoch second of {@code value} in any of the three formats a recipient must accept (RFC 9110
     * 5.6.7): IMF-fixdate {@code Sun, 06 Nov 1994 08:49:37 GMT}, RFC 850 {@code Sunday, 06-Nov-94 08:49:37
     * GMT} and asctime {@code Sun Nov  6 08:49:37 1994}, case-sensitive as the grammar is; {@link #INVALID}
     * for anything else. {@code nowMillis} places an RFC 850 two-digit year. The day name is not checked
     * against the date: it is redundant, and a date is not refused for it.
     */
    static long parse(String value, long nowMillis) {
        int comma = value.indexOf(',');
        if (comma < 0) {
            return asctime(value);
        }
        if (comma == 3 && isDay(value)) {
            return imfFixdate(value);
        }
        for (String day : LONG_DAYS) {
            if (comma == day.length() && value.startsWith(day)) {
                return rfc850(value, comma + 1, nowMillis);
            }
        }
        return INVALID;
    }

    private static long imfFixdate(String v) {
        if (v.length() != 29
                || v.charAt(4) != ' '
                || v.charAt(7) != ' '
                || v.charAt(11) != ' '
                || v.charAt(16) != ' '
                || !v.endsWith(" GMT")) {
            return INVALID;
        }
        return epochSecond(number(v, 12, 4), month(v, 8), number(v, 5, 2), time(v, 17));
    }

    /** {@code , 06-Nov-94 08:49:37 GMT} from {@code at}, the comma's next index. */
    private static long rfc850(String v, int at, long nowMillis) {
        if (v.length() != at + 23
                || v.charAt(at) != ' '
                || v.charAt(at + 3) != '-'
                || v.charAt(at + 7) != '-'
                || v.charAt(at + 10) != ' '
                || !v.endsWith(" GMT")) {
            return INVALID;
        }
        int yy = number(v, at + 8, 2);
        int month = month(v, at + 4);
        int day = number(v, at + 1, 2);
        int time = time(v, at + 11);
        if (yy < 0 || month < 0 || day < 0 || time < 0) {
            return INVALID;
        }
        // RFC 9110 5.6.7: a date more than fifty years ahead is the latest past year with those digits.
        LocalDateTime now = LocalDateTime.ofEpochSecond(Math.floorDiv(nowMillis, 1000), 0, ZoneOffset.UTC);
        int year = now.getYear() - Math.floorMod(now.getYear(), 100) + yy;
        int ahead = year - now.getYear();
        if (ahead > 50 || ahead == 50 && inYear(month, day, time) > inYear(now)) {
            year -= 100;
        }
        return epochSecond(year, month, day, time);
    }

    private static long asctime(String v) {
        if (v.length() != 24
                || !isDay(v)
                || v.charAt(3) != ' '
                || v.charAt(7) != ' '
                || v.charAt(10) != ' '
                || v.charAt(19) != ' ') {
            return INVALID;
        }
        // date3 = month SP ( 2DIGIT / ( SP DIGIT ) )
        int day = v.charAt(8) == ' ' ? number(v, 9, 1) : number(v, 8, 2);
        return epochSecond(number(v, 20, 4), month(v, 4), day, time(v, 11));
    }

    private static boolean isDay(String v) {
        return v.length() >= 3 && DAYS.indexOf(v.substring(0, 3)) % 3 == 0;
    }

    /** 1 to 12, or -1. */
    private static int month(String v, int at) {
        int i = MONTHS.indexOf(v.substring(at, at + 3));
        return i >= 0 && i % 3 == 0 ? i / 3 + 1 : -1;
    }

    /** {@code HH:MM:SS} as the second of the day (60 for a leap second is allowed), or -1. */
    private static int time(String v, int at) {
        if (v.charAt(at + 2) != ':' || v.charAt(at + 5) != ':') {
            return -1;
        }
        int h = number(v, at, 2);
        int m = number(v, at + 3, 2);
        int s = number(v, at + 6, 2);
        return h < 0 || m < 0 || s < 0 || h > 23 || m > 59 || s > 60 ? -1 : h * 3600 + m * 60 + s;
    }

    /** The decimal number of the {@code n} digits at {@code at}, or -1. */
    private static int number(String v, int at, int n) {
        int x = 0;
        for (int i = at; i < at + n; i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            x = x * 10 + (c - '0');
        }
        return x;
    }

    /** Orders points in a year: later month, day or time gives a larger number. */
    private static long inYear(int month, int day, int second) {
        return (month * 32L + day) * 86_401L + second;
    }

    private static long inYear(LocalDateTime t) {
        return inYear(t.getMonthValue(), t.getDayOfMonth(), t.toLocalTime().toSecondOfDay());
    }

    private static long epochSecond(int year, int month, int day, int second) {
        if (year < 0 || month < 0 || day < 0 || second < 0) {
            return INVALID;
        }
        try {
            return LocalDate.of(year, month, day).toEpochDay() * 86_400L + second;
        } catch (DateTimeException e) {
            return INVALID; // no such day in that month
        }
    }

    // bytes is shared with every response and never written; equals and hashCode are never used.
    @SuppressWarnings("ArrayRecordComponent")
    record Line(long second, byte[] bytes, long validUntil) {}
}
