package io.github.tunnelgw.core.e2e;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the shell-evaluable lines {@code openconnect --authenticate} prints ({@code COOKIE='...'},
 * {@code HOST='...'}, ...): single-quoted values, where {@code '\''} stands for a quote; other lines are ignored.
 */
final class ShellAssignments {
    private static final Pattern ASSIGNMENT = Pattern.compile("([A-Z_][A-Z0-9_]*)=(.*)");

    private ShellAssignments() {
    }

    static Map<String, String> parse(String output) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            Matcher m = ASSIGNMENT.matcher(line.strip());
            if (m.matches()) {
                values.put(m.group(1), unquote(m.group(2)));
            }
        }
        return values;
    }

    /** Shell words made of single-quoted parts and backslash-escaped characters, as openconnect writes them. */
    static String unquote(String word) {
        StringBuilder value = new StringBuilder();
        int i = 0;
        while (i < word.length()) {
            char c = word.charAt(i);
            if (c == '\'') {
                int close = word.indexOf('\'', i + 1);
                if (close < 0) {
                    throw new IllegalArgumentException("unterminated single quote in " + word.length() + "-char value");
                }
                value.append(word, i + 1, close);
                i = close + 1;
            } else if (c == '\\' && i + 1 < word.length()) {
                value.append(word.charAt(i + 1));
                i += 2;
            } else {
                value.append(c);
                i++;
            }
        }
        return value.toString();
    }
}
