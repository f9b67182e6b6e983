package io.magnetar.metrics.internal;

import java.util.List;

/**
 * Chooses between the two exposition formats from a scrape's {@code Accept} field lines, as RFC 9110
 * 12.5.1 has it, kept to what a scraper sends:
 *
 * <ul>
 *   <li>every field line counts, as if joined by commas; elements that do not parse are skipped, the rest
 *       still count;
 *   <li>types, subtypes and parameter names are compared without case; a quoted parameter value equals its
 *       token form;
 *   <li>a format's weight is the {@code q} (default 1) of the most specific range that matches it:
 *       {@code application/openmetrics-text;version=1.0.0} or {@code text/plain;version=0.0.4}, then
 *       {@code application/openmetrics-text;version=0.0.1} (older Prometheus asked for that draft, and 1.0.0
 *       is what it reads), then the type without a version, then {@code application/*} or {@code text/*},
 *       then {@code *}{@code /*}. A range naming another version does not match; parameters other than
 *       {@code version} and {@code q} are ignored (the output is always UTF-8 and its names need no
 *       escaping scheme);
 *   <li>the higher weight wins; {@code q=0} means not acceptable; on equal weights the format matched more
 *       specifically wins, else the text format;
 *   <li>when neither is acceptable, or there is no {@code Accept}, the text format: Prometheus servers answer
 *       so rather than 406, and a scraper that asked for something else gets the format every Prometheus
 *       tool reads.
 * </ul>
 *
 * <p>Thread-safe: no state between calls.
 */
final class FormatNegotiation {

    private static final int NO_MATCH = -1;

    private final String accept;
    private int at;

    // Per format: the weight (thousandths) of the most specific range that matched it so far, and how specific.
    private int openQ;
    private int openSpecificity = NO_MATCH;
    private int textQ;
    private int textSpecificity = NO_MATCH;

    private FormatNegotiation(String accept) {
        this.accept = accept;
    }

    /** True when OpenMetrics 1.0.0 is the better answer to these {@code Accept} field lines. */
    static boolean prefersOpenMetrics(List<String> acceptFieldLines) {
        if (acceptFieldLines.isEmpty()) {
            return false;
        }
        FormatNegotiation n = new FormatNegotiation(String.join(",", acceptFieldLines));
        while (n.at < n.accept.length()) {
            n.element();
        }
        if (n.openQ != n.textQ) {
            return n.openQ > n.textQ;
        }
        return n.openQ > 0 && n.openSpecificity > n.textSpecificity;
    }

    /** Reads one media range with its parameters, up to and including the comma that ends it. */
    private void element() {
        skipWhitespace();
        String type = token();
        String subtype = null;
        if (type != null && peek() == '/') {
            at++;
            subtype = token();
        }
        boolean valid = subtype != null && !(type.equals("*") && !subtype.equals("*"));
        int q = 1000;
        String version = null;
        skipWhitespace();
        while (valid && peek() == ';') {
            at++;
            skipWhitespace();
            String name = token();
            if (name == null || peek() != '=') {
                valid = false;
                break;
            }
            at++;
            String value = peek() == '"' ? quoted() : token();
            if (value == null) {
                valid = false;
            } else if (name.equalsIgnoreCase("q")) {
                q = weight(value);
                valid = q >= 0;
            } else if (name.equalsIgnoreCase("version") && version == null) {
                version = value;
            }
            skipWhitespace();
        }
        if (valid && (peek() == ',' || at >= accept.length())) {
            weigh(type, subtype, version, q);
        }
        skipPastComma();
    }

    private void weigh(String type, String subtype, String version, int q) {
        int open = specificity(type, subtype, version, "application", "openmetrics-text", "1.0.0", "0.0.1");
        if (open != NO_MATCH && (open > openSpecificity || (open == openSpecificity && q > openQ))) {
            openSpecificity = open;
            openQ = q;
        }
        int text = specificity(type, subtype, version, "text", "plain", "0.0.4", null);
        if (text != NO_MATCH && (text > textSpecificity || (text == textSpecificity && q > textQ))) {
            textSpecificity = text;
            textQ = q;
        }
    }

    private static int specificity(
            String type, String subtype, String version, String ourType, String ourSubtype, String ours, String alias) {
        if (type.equals("*")) {
            return 0;
        }
        if (!type.equalsIgnoreCase(ourType)) {
            return NO_MATCH;
        }
        if (subtype.equals("*")) {
            return 1;
        }
        if (!subtype.equalsIgnoreCase(ourSubtype)) {
            return NO_MATCH;
        }
        if (version == null) {
            return 2;
        }
        if (version.equals(ours)) {
            return 4;
        }
        return version.equals(alias) ? 3 : NO_MATCH;
    }

    /** A qvalue in thousandths (RFC 9110 12.4.2: 0, 0.x to 3 digits, or 1 with up to three zeros); -1 if not. */
    private static int weight(String v) {
        int n = v.length();
        if (n == 0 || n > 5 || (v.charAt(0) != '0' && v.charAt(0) != '1') || (n > 1 && v.charAt(1) != '.')) {
            return -1;
        }
        int thousandths = 0;
        for (int i = 2; i < 5; i++) {
            int digit = i < n ? v.charAt(i) - '0' : 0;
            if (digit < 0 || digit > 9) {
                return -1;
            }
            thousandths = thousandths * 10 + digit;
        }
        if (v.charAt(0) == '1') {
            return thousandths == 0 ? 1000 : -1;
        }
        return thousandths;
    }

    private String token() {
        int start = at;
        while (at < accept.length() && isTchar(accept.charAt(at))) {
            at++;
        }
        return at > start ? accept.substring(start, at) : null;
    }

    /** A quoted-string's content without its escapes; null when it is not closed. */
    private String quoted() {
        StringBuilder b = new StringBuilder();
        for (at++; at < accept.length(); at++) {
            char c = accept.charAt(at);
            if (c == '"') {
                at++;
                return b.toString();
            }
            if (c == '\\' && at + 1 < accept.length()) {
                c = accept.charAt(++at);
            }
            b.append(c);
        }
        return null;
    }

    private void skipPastComma() {
        boolean inQuotes = false;
        for (; at < accept.length(); at++) {
            char c = accept.charAt(at);
            if (inQuotes && c == '\\') {
                at++;
            } else if (c == '"') {
                inQuotes = !inQuotes;
            } else if (c == ',' && !inQuotes) {
                at++;
                return;
            }
        }
    }

    private void skipWhitespace() {
        while (at < accept.length() && (accept.charAt(at) == ' ' || accept.charAt(at) == '\t')) {
            at++;
        }
    }

    private char peek() {
        return at < accept.length() ? accept.charAt(at) : 0;
    }

    private static boolean isTchar(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
}
