package io.magnetar.protocol.http.internal;

import io.magnetar.protocol.http.HttpRequest;
import java.util.List;

/**
 * The conditional request fields of RFC 9110 section 13 for a GET or HEAD of one representation,
 * evaluated in the order of 13.2.2: {@code If-Match}, else {@code If-Unmodified-Since} (412 when false);
 * then {@code If-None-Match}, else {@code If-Modified-Since} (304 when false); {@code If-Range} last, for
 * the caller to decide about {@code Range}. A list field may come over several lines: they are one list
 * (RFC 9110 5.3).
 *
 * <p>Immutable (static methods only).
 */
final class Preconditions {

    /** No precondition stops the request: serve it (a range only if {@link #ifRangeHolds}). */
    static final int PROCEED = 0;

    private Preconditions() {}

    /**
     * 412, 304 or {@link #PROCEED} for {@code request} of the representation with strong {@code etag}
     * (quoted) last modified at {@code modifiedSecond} (epoch seconds, as {@code Last-Modified} shows it).
     */
    static int evaluate(HttpRequest request, String etag, long modifiedSecond, long nowMillis) {
        List<String> ifMatch = request.headers("if-match");
        if (!ifMatch.isEmpty()) {
            if (!anyMatches(ifMatch, etag, true)) {
                return 412;
            }
        } else {
            long since = singleDate(request, "if-unmodified-since", nowMillis);
            if (since != HttpDate.INVALID && modifiedSecond > since) {
                return 412;
            }
        }
        List<String> ifNoneMatch = request.headers("if-none-match");
        if (!ifNoneMatch.isEmpty()) {
            return anyMatches(ifNoneMatch, etag, false) ? 304 : PROCEED;
        }
        long since = singleDate(request, "if-modified-since", nowMillis);
        return since != HttpDate.INVALID && modifiedSecond <= since ? 304 : PROCEED;
    }

    /**
     * RFC 9110 13.1.5: true without {@code If-Range}, or when it holds the strong {@code etag} exactly or
     * the date of {@code modifiedSecond} (in any HTTP-date format); a weak tag never matches.
     */
    static boolean ifRangeHolds(String ifRange, String etag, long modifiedSecond, long nowMillis) {
        if (ifRange == null) {
            return true;
        }
        String v = ifRange.trim();
        if (v.startsWith("\"")) {
            return v.equals(etag);
        }
        return !v.startsWith("W/") && HttpDate.parse(v, nowMillis) == modifiedSecond;
    }

    /**
     * The date of field {@code name}, or {@link HttpDate#INVALID} when absent, not a date or more than one
     * (13.1.3 and 13.1.4: such a field is ignored).
     */
    private static long singleDate(HttpRequest request, String name, long nowMillis) {
        List<String> values = request.headers(name);
        return values.size() == 1 ? HttpDate.parse(values.get(0), nowMillis) : HttpDate.INVALID;
    }

    /**
     * True when a member of the entity-tag lists {@code values} is {@code *} or matches {@code etag}:
     * by the strong comparison (both strong, same opaque tag) or the weak one (same opaque tag). A list
     * that stops making sense counts as no match from there on.
     */
    static boolean anyMatches(List<String> values, String etag, boolean strong) {
        for (String v : values) {
            int i = 0;
            int n = v.length();
            while (true) {
                while (i < n && (v.charAt(i) == ',' || v.charAt(i) == ' ' || v.charAt(i) == '\t')) {
                    i++;
                }
                if (i == n) {
                    break;
                }
                if (v.charAt(i) == '*') {
                    return true;
                }
                boolean weak = v.startsWith("W/", i);
                if (weak) {
                    i += 2;
                }
                int close = i < n && v.charAt(i) == '"' ? v.indexOf('"', i + 1) : -1;
                if (close < 0) {
                    break;
                }
                if (!(strong && weak) && close + 1 - i == etag.length() && v.startsWith(etag, i)) {
                    return true;
                }
                i = close + 1;
            }
        }
        return false;
    }
}
