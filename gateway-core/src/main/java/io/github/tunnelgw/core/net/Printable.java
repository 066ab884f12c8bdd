package io.github.tunnelgw.core.net;

/**
 * Quotes untrusted text for an error message. Parsers echo the bad input so the operator can see
 * what was wrong, but the input may be huge or contain line breaks and control characters, which
 * would break the one-line error contract or forge extra log lines; this keeps the echo short and
 * printable.
 */
public final class Printable {
    /** Longest echo, in characters, before the rest is elided. */
    static final int MAX_ECHO = 80;

    private Printable() {
    }

    /** {@code "text"} with control characters escaped and anything past {@value #MAX_ECHO} characters elided. */
    public static String quote(String untrusted) {
        if (untrusted == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(untrusted.length(), MAX_ECHO) + 8).append('"');
        int shown = Math.min(untrusted.length(), MAX_ECHO);
        for (int i = 0; i < shown; i++) {
            char c = untrusted.charAt(i);
            if (c == '"') {
                out.append("\\\"");
            } else {
                appendEscaped(out, c);
            }
        }
        if (untrusted.length() > MAX_ECHO) {
            out.append("...");
        }
        return out.append('"').toString();
    }

    /** The text with every control character escaped, so it stays on one line; quotes are kept as they are. */
    public static String oneLine(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            appendEscaped(out, text.charAt(i));
        }
        return out.toString();
    }

    private static void appendEscaped(StringBuilder out, char c) {
        switch (c) {
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            default -> {
                if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                        || c == '\u2028' || c == '\u2029') {
                    out.append(String.format("\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
        }
    }
}
