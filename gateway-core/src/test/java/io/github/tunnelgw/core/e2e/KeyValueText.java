package io.github.tunnelgw.core.e2e;

import java.util.LinkedHashMap;
import java.util.Map;

/** Parses the {@code key=value} lines that the helper mains print; other lines are ignored. */
final class KeyValueText {
    private KeyValueText() {
    }

    static Map<String, String> parse(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int equals = line.indexOf('=');
            if (equals > 0 && line.substring(0, equals).matches("[A-Za-z0-9_]+")) {
                values.put(line.substring(0, equals), line.substring(equals + 1).strip());
            }
        }
        return values;
    }

    static String require(Map<String, String> values, String key, String source) {
        String value = values.get(key);
        if (value == null) {
            throw new HarnessException(source + " has no " + key + "= line; it has " + values);
        }
        return value;
    }
}
