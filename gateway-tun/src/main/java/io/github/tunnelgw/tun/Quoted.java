package io.github.tunnelgw.tun;

/** Puts untrusted text into an error message safely: quoted, control characters escaped, length capped. */
final class Quoted {
    private static final int MAX = 64;

    private Quoted() {
    }

    static String of(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX) + 8).append('\'');
        for (int i = 0; i < text.length() && i < MAX; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7F || (c >= 0x80 && Character.isISOControl(c))) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (text.length() > MAX) {
            out.append("...");
        }
        return out.append('\'').toString();
    }
}
