package io.github.tunnelgw.core.e2e;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The samples of one scrape in the Prometheus text format, with look-ups by name and labels. */
final class PrometheusSamples {
    record Sample(String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples;

    private PrometheusSamples(List<Sample> samples) {
        this.samples = List.copyOf(samples);
    }

    /** @throws IllegalArgumentException naming the line number of a line that is not a sample, comment or blank */
    static PrometheusSamples parse(String text) {
        List<Sample> samples = new ArrayList<>();
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                samples.add(parseSample(line));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("metrics line " + (i + 1) + " is not a sample: " + line
                        + " (" + e.getMessage() + ")", e);
            }
        }
        return new PrometheusSamples(samples);
    }

    private static Sample parseSample(String line) {
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        if (space < 0) {
            throw new IllegalArgumentException("no value");
        }
        String name;
        Map<String, String> labels = new LinkedHashMap<>();
        String rest;
        if (brace >= 0 && brace < space) {
            name = line.substring(0, brace);
            int end = parseLabels(line, brace + 1, labels);
            rest = line.substring(end + 1).strip();
        } else {
            name = line.substring(0, space);
            rest = line.substring(space + 1).strip();
        }
        if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
            throw new IllegalArgumentException("bad metric name " + name);
        }
        String value = rest.split("\\s+")[0]; // a timestamp may follow
        return new Sample(name, Map.copyOf(labels), parseValue(value));
    }

    /** @return the index of the closing brace */
    private static int parseLabels(String line, int start, Map<String, String> labels) {
        int i = start;
        while (true) {
            if (i >= line.length()) {
                throw new IllegalArgumentException("unterminated labels");
            }
            if (line.charAt(i) == '}') {
                return i;
            }
            int equals = line.indexOf('=', i);
            if (equals < 0 || equals + 1 >= line.length() || line.charAt(equals + 1) != '"') {
                throw new IllegalArgumentException("bad label at column " + i);
            }
            String key = line.substring(i, equals).strip();
            StringBuilder value = new StringBuilder();
            int j = equals + 2;
            for (; j < line.length() && line.charAt(j) != '"'; j++) {
                char c = line.charAt(j);
                if (c == '\\' && j + 1 < line.length()) {
                    char escaped = line.charAt(++j);
                    value.append(escaped == 'n' ? '\n' : escaped);
                } else {
                    value.append(c);
                }
            }
            if (j >= line.length()) {
                throw new IllegalArgumentException("unterminated label value");
            }
            labels.put(key, value.toString());
            i = j + 1;
            if (i < line.length() && line.charAt(i) == ',') {
                i++;
            }
        }
    }

    private static double parseValue(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(text);
        };
    }

    boolean has(String name) {
        return samples.stream().anyMatch(s -> s.name().equals(name));
    }

    /** The value of the only sample named {@code name}; an error (listing the names there are) if absent. */
    double value(String name) {
        List<Sample> matching = samples.stream().filter(s -> s.name().equals(name)).toList();
        if (matching.size() != 1) {
            throw new AssertionError("expected exactly one sample of " + name + ", found " + matching.size()
                    + "; metric names present: " + names());
        }
        return matching.get(0).value();
    }

    /** The value of the sample with {@code name} and these labels (others may be present), 0 if there is none yet. */
    double valueOrZero(String name, Map<String, String> labels) {
        return samples.stream()
                .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
                .mapToDouble(Sample::value)
                .sum();
    }

    /** The sum over every sample named {@code name}, 0 if there is none. */
    double sum(String name) {
        return valueOrZero(name, Map.of());
    }

    TreeSet<String> names() {
        TreeSet<String> names = new TreeSet<>();
        samples.forEach(s -> names.add(s.name()));
        return names;
    }

    List<Sample> samples() {
        return samples;
    }
}
