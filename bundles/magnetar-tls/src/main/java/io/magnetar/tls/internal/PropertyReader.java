package io.magnetar.tls.internal;

import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Typed, validated reads of endpoint properties as Configuration Admin delivers them (strings, numbers,
 * booleans, arrays or collections). Every error names the property. Immutable.
 */
public final class PropertyReader {

    private final Map<String, ?> properties;

    public PropertyReader(Map<String, ?> properties) {
        this.properties = properties;
    }

    /** The trimmed value, or {@code null} when absent or blank. */
    public String string(String key) {
        Object v = properties.get(key);
        if (v == null) {
            return null;
        }
        String s = (v instanceof char[] chars ? new String(chars) : v.toString()).trim();
        return s.isEmpty() ? null : s;
    }

    /** A comma-separated string, an array or a collection as a list of non-blank items; empty when absent. */
    public List<String> list(String key) {
        Object v = properties.get(key);
        List<String> items = new ArrayList<>();
        if (v == null) {
            return items;
        }
        if (v instanceof Collection<?> c) {
            c.forEach(item -> addSplit(items, item));
        } else if (v.getClass().isArray() && !(v instanceof char[])) {
            for (int i = 0; i < Array.getLength(v); i++) {
                addSplit(items, Array.get(v, i));
            }
        } else {
            addSplit(items, v);
        }
        return items;
    }

    private static void addSplit(List<String> items, Object value) {
        if (value == null) {
            return;
        }
        for (String part : value.toString().split(",", -1)) {
            if (!part.isBlank()) {
                items.add(part.trim());
            }
        }
    }

    /** {@code true}/{@code false} (any case), or {@code fallback} when absent. */
    public boolean bool(String key, boolean fallback) {
        String s = string(key);
        if (s == null) {
            return fallback;
        }
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false, not '" + s + "'");
        };
    }

    /** A positive number of seconds (fractions allowed), or {@code fallback} when absent. */
    public Duration seconds(String key, Duration fallback) {
        String s = string(key);
        if (s == null) {
            return fallback;
        }
        double seconds;
        try {
            seconds = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number of seconds, not '" + s + "'");
        }
        long millis = Math.round(seconds * 1000);
        if (!(millis > 0)) {
            throw new IllegalArgumentException(key + " must be positive, not '" + s + "'");
        }
        return Duration.ofMillis(millis);
    }

    /** One of {@code allowed} (any case, returned in lower case), or {@code fallback} when absent. */
    public String choice(String key, String fallback, String... allowed) {
        String s = string(key);
        if (s == null) {
            return fallback;
        }
        String lower = s.toLowerCase(Locale.ROOT);
        for (String a : allowed) {
            if (a.equals(lower)) {
                return a;
            }
        }
        throw new IllegalArgumentException(key + " must be one of " + String.join("|", allowed) + ", not '" + s + "'");
    }

    /** A readable regular file, or {@code null} when the property is absent. */
    public Path file(String key) {
        String s = string(key);
        if (s == null) {
            return null;
        }
        Path p = Path.of(s).toAbsolutePath();
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException(key + ": no such file " + p);
        }
        if (!Files.isReadable(p)) {
            throw new IllegalArgumentException(key + ": file " + p + " is not readable");
        }
        return p;
    }

    /** The value as a password, or {@code null} when absent; an empty value is an empty password. */
    public char[] password(String key) {
        Object v = properties.get(key);
        if (v == null) {
            return null;
        }
        return v instanceof char[] chars ? chars.clone() : v.toString().toCharArray();
    }
}
