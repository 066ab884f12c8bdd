package io.github.tunnelgw.core.net;

import java.util.Locale;

/**
 * Validation of DNS names ({@code corp.example.com}) as they appear in the configuration: the
 * default domain suffix, split-DNS domains and certificate host names.
 *
 * <p>Host-name rules (RFC 1123): labels of 1-63 letters, digits and hyphens, not starting or ending
 * with a hyphen, 253 characters at most. A final dot is accepted and dropped. A name whose last
 * label is all digits is refused, because that is an IPv4 address typed where a name belongs.
 */
public final class DnsName {
    private static final int MAX_NAME = 253;
    private static final int MAX_LABEL = 63;

    private DnsName() {
    }

    /**
     * Checks a DNS name and returns it in lower case without a trailing dot.
     *
     * @throws IllegalArgumentException naming the input and what is wrong with it
     */
    public static String normalize(String text) {
        if (text == null) {
            throw new IllegalArgumentException("DNS name is missing");
        }
        String name = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
        if (name.isEmpty()) {
            throw invalid(text, "it is empty");
        }
        if (name.length() > MAX_NAME) {
            throw invalid(text, "longer than " + MAX_NAME + " characters");
        }
        int start = 0;
        String lastLabel = "";
        while (start <= name.length()) {
            int end = name.indexOf('.', start);
            if (end < 0) {
                end = name.length();
            }
            lastLabel = name.substring(start, end);
            checkLabel(text, lastLabel);
            start = end + 1;
        }
        if (lastLabel.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw invalid(text, "the last label is a number; an IP address is not a DNS name");
        }
        return name.toLowerCase(Locale.ROOT);
    }

    private static void checkLabel(String text, String label) {
        if (label.isEmpty()) {
            throw invalid(text, "it has an empty label");
        }
        if (label.length() > MAX_LABEL) {
            throw invalid(text, "a label is longer than " + MAX_LABEL + " characters");
        }
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
            if (!allowed) {
                throw invalid(text, "only letters, digits, hyphens and dots are allowed");
            }
        }
        if (label.charAt(0) == '-' || label.charAt(label.length() - 1) == '-') {
            throw invalid(text, "a label starts or ends with a hyphen");
        }
    }

    private static IllegalArgumentException invalid(String text, String reason) {
        return new IllegalArgumentException("not a DNS name: " + Printable.quote(text) + " (" + reason + ")");
    }
}
