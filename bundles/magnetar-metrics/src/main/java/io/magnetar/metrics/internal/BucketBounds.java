package io.magnetar.metrics.internal;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Histogram bucket bounds as {@code le} label values in OpenMetrics' canonical rendering, used by both
 * formats so that each names the same series. Label values are opaque strings to a monitoring system:
 * {@code le="1"} and {@code le="1.0"} are two series, so every scrape must spell a bound the same way.
 *
 * <p>Rendered once per histogram family and kept: a source passes the same bounds at every scrape, and
 * scraping must not allocate per bucket.
 *
 * <p>Thread-safe.
 */
final class BucketBounds {

    /** Families are named in code, so this is never reached in practice; it stops a runaway source. */
    private static final int MAX_FAMILIES = 256;

    private static final Map<String, Rendered> BY_FAMILY = new ConcurrentHashMap<>();

    private record Rendered(double[] bounds, String[] les) {}

    private BucketBounds() {}

    /** The {@code le} values of {@code bounds}, rendered anew only when the family's bounds change. */
    static String[] les(String family, double[] bounds) {
        Rendered r = BY_FAMILY.get(family);
        if (r != null && Arrays.equals(r.bounds, bounds)) {
            return r.les;
        }
        String[] les = new String[bounds.length];
        for (int i = 0; i < bounds.length; i++) {
            les[i] = canonical(bounds[i]);
        }
        if (r != null || BY_FAMILY.size() < MAX_FAMILIES) {
            BY_FAMILY.put(family, new Rendered(bounds.clone(), les));
        }
        return les;
    }

    /**
     * OpenMetrics 1.0's canonical number ("Considerations: Canonical Numbers"): the shortest digits that
     * read back as {@code v}, positional when the decimal exponent is from -4 to 5 and with {@code .0} when
     * that leaves no point ({@code 0.0001}, {@code 1.0}, {@code 100000.0}), else {@code d.ddde±XX}
     * ({@code 1e-05}, {@code 1e+06}): Go's {@code %g}, which the specification names as the target.
     */
    static String canonical(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == 0) {
            return "0.0";
        }
        // Double.toString gives the shortest digits that read back (the decimal point aside).
        BigDecimal d = new BigDecimal(Double.toString(Math.abs(v))).stripTrailingZeros();
        String digits = d.unscaledValue().toString();
        int exponent = digits.length() - 1 - d.scale();
        StringBuilder b = new StringBuilder(24);
        if (v < 0) {
            b.append('-');
        }
        if (exponent >= -4 && exponent < 6) {
            String plain = d.toPlainString();
            b.append(plain);
            if (plain.indexOf('.') < 0) {
                b.append(".0");
            }
            return b.toString();
        }
        b.append(digits.charAt(0));
        if (digits.length() > 1) {
            b.append('.').append(digits, 1, digits.length());
        }
        b.append('e').append(exponent < 0 ? '-' : '+');
        int magnitude = Math.abs(exponent);
        if (magnitude < 10) {
            b.append('0');
        }
        return b.append(magnitude).toString();
    }
}
