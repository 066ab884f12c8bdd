package io.github.tunnelgw.core.config;

import io.github.tunnelgw.core.net.Printable;
import java.io.StringReader;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Turns config text into a YAML node tree, with limits on size, nesting and aliases.
 *
 * <p>The tree is read at node level ({@link Yaml#compose}), never constructed into Java objects:
 * no type named in the document can be instantiated, and scalars keep their text, so YAML 1.1
 * surprises ({@code yes} as a boolean, {@code 0443} as octal, {@code 1:30} as 90, dates) cannot
 * turn into wrong values; {@link ConfigSection} parses each scalar by the rules of its key.
 */
final class YamlDocument {
    /** Largest accepted document, in code points; real configs are a few kilobytes. */
    static final int MAX_CODE_POINTS = 1 << 20;
    private static final int MAX_NESTING = 20;
    private static final int MAX_ALIASES = 20;

    private YamlDocument() {
    }

    /** The top-level map of the document, or empty when the document has no content at all. */
    static Optional<MappingNode> parse(String text, String sourceName) throws ConfigException {
        Node root;
        try {
            root = newYaml().compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            throw ConfigException.forFile(sourceName, describe(e));
        } catch (YAMLException e) {
            throw ConfigException.forFile(sourceName, "not valid YAML: " + e.getMessage());
        }
        if (root == null || ConfigSection.isNull(root)) {
            return Optional.empty();
        }
        if (hasForeignTag(root)) {
            throw ConfigException.forFile(sourceName, "the YAML tag " + Printable.quote(root.getTag().getValue())
                    + " is not supported");
        }
        if (root instanceof MappingNode map) {
            return Optional.of(map);
        }
        String found = root instanceof SequenceNode ? "a list" : root instanceof ScalarNode ? "a single value" : "something else";
        throw ConfigException.forFile(sourceName,
                "the document is " + found + "; expected a map of keys such as 'listenPort: 443'");
    }

    private static Yaml newYaml() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_CODE_POINTS);
        options.setNestingDepthLimit(MAX_NESTING);
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setAllowRecursiveKeys(false);
        options.setMergeOnCompose(false);
        options.setProcessComments(false);
        options.setAllowDuplicateKeys(false);
        // Only compose() is used, but should anyone construct objects from this instance, the safe
        // constructor with no global tags allowed is what they get.
        options.setTagInspector(tag -> false);
        return new Yaml(new SafeConstructor(options));
    }

    // SnakeYAML's own message spans several lines with a source snippet (which could show a
    // secret on the same line); keep only the position and the problem.
    private static String describe(MarkedYAMLException e) {
        Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
        String where = mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
        String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
        return "YAML syntax error" + where + ": " + problem;
    }

    /**
     * The tags plain YAML produces: implicitly resolved scalars (MERGE and YAML are what the resolver
     * gives the plain scalars {@code <<} and {@code =}, which are then read as text), lists and maps.
     * Anything else was written explicitly ({@code !!binary}, {@code !!set}, {@code !!java.lang.Class},
     * {@code !local}) and has no meaning in a config file.
     */
    private static final Set<Tag> ORDINARY_TAGS = Set.of(Tag.STR, Tag.INT, Tag.BOOL, Tag.NULL, Tag.FLOAT,
            Tag.TIMESTAMP, Tag.MERGE, Tag.YAML, Tag.SEQ, Tag.MAP);

    /** Whether a node carries a tag this reader refuses. */
    static boolean hasForeignTag(Node node) {
        return !ORDINARY_TAGS.contains(node.getTag());
    }
}
