package io.github.tunnelgw.core.config;

import io.github.tunnelgw.core.net.Printable;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as operators write them: {@code 500ms}, {@code 90s}, {@code 5m}, {@code 24h},
 * {@code 2d}, or a plain number of seconds. Used for config keys and for command-line options such
 * as {@code token --ttl}.
 */
public final class Durations {
    private static final Pattern SYNTAX = Pattern.compile("([0-9]{1,12})(ms|s|m|h|d)?");

    private Durations() {
    }

    /**
     * Parses a duration given for the config key or command-line option {@code name}, reporting bad
     * text as a {@link ConfigException} that names it.
     */
    public static Duration parse(String name, String text) throws ConfigException {
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, e.getMessage());
        }
    }

    /**
     * Parses a duration.
     *
     * @throws IllegalArgumentException naming the input and the accepted forms
     */
    public static Duration parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("duration is missing");
        }
        if (text.startsWith("-")) {
            throw new IllegalArgumentException(
                    "not a duration: " + Printable.quote(text) + " (negative durations are not allowed)");
        }
        Matcher m = SYNTAX.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: " + Printable.quote(text)
                    + " (expected a number with a unit: 500ms, 90s, 5m, 24h or 2d; a plain number means seconds)");
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        // At most 12 digits, so even days cannot overflow Duration's range of seconds.
        return switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> throw new AssertionError(unit);
        };
    }

    /**
     * A short text for a duration, e.g. {@code 90s} or {@code 2d}; for every duration {@link #parse}
     * returns, parsing the text gives the same duration back.
     */
    public static String format(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        if (duration.isNegative() || duration.getNano() % 1_000_000 != 0) {
            return duration.toString();
        }
        long seconds = duration.getSeconds();
        if (duration.getNano() == 0) {
            if (seconds % 86_400 == 0) {
                return seconds / 86_400 + "d";
            }
            if (seconds % 3_600 == 0) {
                return seconds / 3_600 + "h";
            }
            if (seconds % 60 == 0) {
                return seconds / 60 + "m";
            }
            return seconds + "s";
        }
        return duration.toMillis() + "ms";
    }
}
