package io.github.tunnelgw.core.config;

import io.github.tunnelgw.core.net.Printable;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One map of the config document (the top level or a section such as {@code tls}) with typed
 * readers that turn each problem into a {@link ConfigException} naming the full dotted key.
 *
 * <p>Every reader records the key it was asked for; {@link #rejectUnknownKeys()} then reports any
 * key in the document that no reader asked for, so a typo is an error instead of a silently ignored
 * setting. A key whose value is YAML null ({@code key:}, {@code key: null}, {@code key: ~}) counts
 * as not set.
 */
final class ConfigSection {
    private static final Pattern WHOLE_NUMBER = Pattern.compile("0|[1-9][0-9]{0,9}");

    private final String path;
    private final Path baseDirectory;
    private final Map<String, Node> entries;
    private final Set<String> known = new LinkedHashSet<>();

    private ConfigSection(String path, Path baseDirectory, Map<String, Node> entries) {
        this.path = path;
        this.baseDirectory = baseDirectory;
        this.entries = entries;
    }

    /** The top level of a document; relative paths in it resolve against {@code baseDirectory} (may be null). */
    static ConfigSection root(Optional<MappingNode> document, Path baseDirectory) throws ConfigException {
        return document.isPresent() ? of("", baseDirectory, document.get()) : empty("", baseDirectory);
    }

    private static ConfigSection empty(String path, Path baseDirectory) {
        return new ConfigSection(path, baseDirectory, Map.of());
    }

    private static ConfigSection of(String path, Path baseDirectory, MappingNode node) throws ConfigException {
        Map<String, Node> entries = new LinkedHashMap<>();
        String where = path.isEmpty() ? "<top level>" : path;
        for (NodeTuple tuple : node.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode keyNode) || isNull(keyNode)
                    || YamlDocument.hasForeignTag(keyNode)) {
                throw new ConfigException(where, "a key is " + describe(tuple.getKeyNode()) + "; keys must be plain names");
            }
            String key = keyNode.getValue();
            if (entries.putIfAbsent(key, tuple.getValueNode()) != null) {
                throw new ConfigException(join(path, key), "the key appears more than once");
            }
        }
        return new ConfigSection(path, baseDirectory, entries);
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** The full dotted name of this section itself. */
    String name() {
        return path;
    }

    /** The full dotted name of a key of this section. */
    String dotted(String key) {
        return join(path, key);
    }

    /** A problem with one key of this section. */
    ConfigException problem(String key, String problem) {
        return new ConfigException(dotted(key), problem);
    }

    static boolean isNull(Node node) {
        return node instanceof ScalarNode scalar && Tag.NULL.equals(scalar.getTag());
    }

    private static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a map";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        if (YamlDocument.hasForeignTag(node)) {
            return "a value with the YAML tag " + Printable.quote(node.getTag().getValue());
        }
        return isNull(node) ? "empty" : "a single value";
    }

    // ---- scalars ------------------------------------------------------------------------------

    /** The text of a single-valued key, empty when the key is absent or null. */
    Optional<String> text(String key) throws ConfigException {
        known.add(key);
        Node node = entries.get(key);
        if (node == null || isNull(node)) {
            return Optional.empty();
        }
        return Optional.of(scalarText(node, key, "", "a single value"));
    }

    private String scalarText(Node node, String key, String itemPrefix, String expected) throws ConfigException {
        if (YamlDocument.hasForeignTag(node)) {
            throw problem(key, itemPrefix + "the YAML tag " + Printable.quote(node.getTag().getValue()) + " is not supported");
        }
        if (!(node instanceof ScalarNode scalar)) {
            throw problem(key, itemPrefix + "expected " + expected + ", found " + describe(node));
        }
        return scalar.getValue();
    }

    /** A value parsed by {@code parser}, whose IllegalArgumentException message becomes the problem. */
    <T> Optional<T> optional(String key, Function<String, T> parser) throws ConfigException {
        Optional<String> text = text(key);
        return text.isEmpty() ? Optional.empty() : Optional.of(parse(key, "", text.get(), parser));
    }

    /** Like {@link #optional} with a default for an absent key. */
    <T> T value(String key, T defaultValue, Function<String, T> parser) throws ConfigException {
        return optional(key, parser).orElse(defaultValue);
    }

    private <T> T parse(String key, String itemPrefix, String text, Function<String, T> parser) throws ConfigException {
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            throw problem(key, itemPrefix + e.getMessage());
        }
    }

    /** A non-empty string without control characters. */
    String string(String key, String defaultValue) throws ConfigException {
        return value(key, defaultValue, text -> {
            if (text.isEmpty()) {
                throw new IllegalArgumentException("must not be empty");
            }
            if (text.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("must not contain control characters");
            }
            return text;
        });
    }

    /**
     * A decimal whole number in {@code [min, max]}. Signs, leading zeros (octal to YAML 1.1),
     * hexadecimal and fractions are refused.
     */
    int integer(String key, int defaultValue, int min, int max) throws ConfigException {
        return value(key, defaultValue, text -> {
            long number = WHOLE_NUMBER.matcher(text).matches() ? Long.parseLong(text) : -1;
            if (number < min || number > max) {
                throw new IllegalArgumentException(
                        "expected a whole number from " + min + " to " + max + ", found " + Printable.quote(text));
            }
            return (int) number;
        });
    }

    /** {@code true} or {@code false} (YAML 1.1's yes/no/on/off are refused as ambiguous). */
    boolean flag(String key, boolean defaultValue) throws ConfigException {
        return value(key, defaultValue, text -> switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("expected true or false, found " + Printable.quote(text));
        });
    }

    /** One of the given words, matched exactly. */
    String choice(String key, String defaultValue, List<String> choices) throws ConfigException {
        return value(key, defaultValue, text -> {
            if (!choices.contains(text)) {
                throw new IllegalArgumentException(
                        "expected one of " + String.join(", ", choices) + ", found " + Printable.quote(text));
            }
            return text;
        });
    }

    /** A duration in {@code [min, max]}, optionally required to be a whole number of seconds. */
    Duration duration(String key, Duration defaultValue, Duration min, Duration max, boolean wholeSeconds)
            throws ConfigException {
        return value(key, defaultValue, text -> checkDuration(Durations.parse(text), min, max, wholeSeconds));
    }

    /** A duration that {@code none} or zero disables (empty), otherwise as {@link #duration}. */
    Optional<Duration> durationOrNone(String key, Optional<Duration> defaultValue, Duration max, boolean wholeSeconds)
            throws ConfigException {
        Optional<String> text = text(key);
        if (text.isEmpty()) {
            return defaultValue;
        }
        if (text.get().equals("none")) {
            return Optional.empty();
        }
        Duration duration = parse(key, "", text.get(), t -> checkDuration(Durations.parse(t), Duration.ZERO, max, wholeSeconds));
        return duration.isZero() ? Optional.empty() : Optional.of(duration);
    }

    private static Duration checkDuration(Duration duration, Duration min, Duration max, boolean wholeSeconds) {
        if (duration.compareTo(min) < 0) {
            throw new IllegalArgumentException("must be at least " + Durations.format(min) + ", found " + Durations.format(duration));
        }
        if (duration.compareTo(max) > 0) {
            throw new IllegalArgumentException("must be at most " + Durations.format(max) + ", found " + Durations.format(duration));
        }
        if (wholeSeconds && duration.getNano() != 0) {
            throw new IllegalArgumentException("must be a whole number of seconds (clients receive it in seconds), found "
                    + Durations.format(duration));
        }
        return duration;
    }

    /** A file system path; a relative one resolves against the config file's directory. */
    Optional<Path> path(String key) throws ConfigException {
        Optional<String> text = text(key);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        if (text.get().isEmpty()) {
            throw problem(key, "the path is empty");
        }
        Path path;
        try {
            path = Path.of(text.get());
        } catch (InvalidPathException e) {
            throw problem(key, "not a valid path: " + Printable.quote(text.get()));
        }
        return Optional.of(baseDirectory == null || path.isAbsolute() ? path : baseDirectory.resolve(path));
    }

    /** A path that must name an existing readable regular file. */
    Optional<Path> existingFile(String key) throws ConfigException {
        Optional<Path> file = path(key);
        if (file.isPresent()) {
            Path p = file.get();
            if (!Files.exists(p)) {
                throw problem(key, "file " + p + " does not exist");
            }
            if (!Files.isRegularFile(p)) {
                throw problem(key, p + " is not a regular file");
            }
            if (!Files.isReadable(p)) {
                throw problem(key, "file " + p + " is not readable");
            }
        }
        return file;
    }

    // ---- lists and sections -------------------------------------------------------------------

    /** A list of single values, each parsed by {@code parser}; absent or null is the empty list. */
    <T> List<T> list(String key, int maxItems, Function<String, T> parser) throws ConfigException {
        List<Node> items = sequence(key, maxItems, "a list of strings");
        List<T> values = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            String itemPrefix = "item " + (i + 1) + ": ";
            Node item = items.get(i);
            if (isNull(item)) {
                throw problem(key, itemPrefix + "the entry is empty");
            }
            values.add(parse(key, itemPrefix, scalarText(item, key, itemPrefix, "a string"), parser));
        }
        return Collections.unmodifiableList(values);
    }

    /** The items of the YAML sequence at {@code key}, at most {@code maxItems}; absent or null is the empty list. */
    private List<Node> sequence(String key, int maxItems, String expected) throws ConfigException {
        known.add(key);
        Node node = entries.get(key);
        if (node == null || isNull(node)) {
            return List.of();
        }
        if (YamlDocument.hasForeignTag(node)) {
            throw problem(key, "the YAML tag " + Printable.quote(node.getTag().getValue()) + " is not supported");
        }
        if (!(node instanceof SequenceNode sequence)) {
            throw problem(key, "expected " + expected + ", found " + describe(node));
        }
        List<Node> items = sequence.getValue();
        if (items.size() > maxItems) {
            throw problem(key, "at most " + maxItems + " entries are allowed, found " + items.size());
        }
        return items;
    }

    /** A nested map; absent or null is an empty section, so all its keys take their defaults. */
    ConfigSection section(String key) throws ConfigException {
        known.add(key);
        Node node = entries.get(key);
        if (node == null || isNull(node)) {
            return empty(dotted(key), baseDirectory);
        }
        if (YamlDocument.hasForeignTag(node)) {
            throw problem(key, "the YAML tag " + Printable.quote(node.getTag().getValue()) + " is not supported");
        }
        if (!(node instanceof MappingNode map)) {
            throw problem(key, "expected a map of keys, found " + describe(node));
        }
        return of(dotted(key), baseDirectory, map);
    }

    /**
     * A list of maps, each read as its own section named {@code key[n]} (n counted from 1); absent or null is the
     * empty list.
     */
    List<ConfigSection> sectionList(String key, int maxItems) throws ConfigException {
        List<Node> items = sequence(key, maxItems, "a list of maps");
        List<ConfigSection> sections = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            String itemPath = dotted(key) + "[" + (i + 1) + "]";
            Node item = items.get(i);
            if (YamlDocument.hasForeignTag(item) || !(item instanceof MappingNode map)) {
                throw new ConfigException(itemPath, "expected a map of keys, found " + describe(item));
            }
            sections.add(of(itemPath, baseDirectory, map));
        }
        return Collections.unmodifiableList(sections);
    }

    /** A map of names to single values, in file order; absent or null is the empty map. */
    Map<String, String> stringMap(String key, int maxItems) throws ConfigException {
        ConfigSection section = section(key);
        if (section.entries.size() > maxItems) {
            throw problem(key, "at most " + maxItems + " entries are allowed, found " + section.entries.size());
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : section.entries.keySet()) {
            Optional<String> text = section.text(name);
            if (text.isEmpty() || text.get().isEmpty()) {
                throw section.problem(name, "the value is empty");
            }
            values.put(name, text.get());
        }
        return Collections.unmodifiableMap(values);
    }

    /** Fails on the first key of this section that no reader asked for. Call after reading all keys. */
    void rejectUnknownKeys() throws ConfigException {
        for (String key : entries.keySet()) {
            if (!known.contains(key)) {
                throw problem(key, "unknown key" + suggestion(key) + "; known keys: " + String.join(", ", known));
            }
        }
    }

    // A near miss (other case, or a letter or two off) is almost certainly a typo of that key.
    private String suggestion(String unknown) {
        for (String candidate : known) {
            if (candidate.equalsIgnoreCase(unknown) || editDistance(candidate.toLowerCase(Locale.ROOT),
                    unknown.toLowerCase(Locale.ROOT)) <= 2) {
                return " (did you mean '" + candidate + "'?)";
            }
        }
        return "";
    }

    private static int editDistance(String a, String b) {
        if (Math.abs(a.length() - b.length()) > 2 || b.length() > 100) {
            return Integer.MAX_VALUE;
        }
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
