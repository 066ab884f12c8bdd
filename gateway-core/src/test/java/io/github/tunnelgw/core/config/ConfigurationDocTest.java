package io.github.tunnelgw.core.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/configuration.md is what operators copy from: every YAML example in it must load, and every key the
 * examples use must be described in one of its tables.
 */
class ConfigurationDocTest {
    private static final Path DOC = Path.of("..", "docs", "configuration.md");
    private static final Pattern YAML_BLOCK = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern ETC_FILE = Pattern.compile("/etc/tunnelgw/([A-Za-z0-9._-]+)");

    @TempDir
    Path etc;

    @Test
    void everyYamlExampleLoads() throws Exception {
        List<String> examples = yamlBlocks();
        assertThat(examples).as("YAML examples in %s", DOC).hasSizeGreaterThanOrEqualTo(4);
        for (String example : examples) {
            String local = withFilesIn(etc, example);
            Path file = Files.writeString(etc.resolve("example.yaml"), local);
            GatewayConfig config = GatewayConfig.load(file);
            assertThat(config).as(example).isNotNull();
        }
    }

    @Test
    void examplesUseOnlyDocumentedKeys() throws Exception {
        String doc = Files.readString(DOC);
        Pattern key = Pattern.compile("^\\s*(?:- )?([A-Za-z][A-Za-z0-9]*):", Pattern.MULTILINE);
        for (String example : yamlBlocks()) {
            Matcher m = key.matcher(example);
            while (m.find()) {
                // as `key` or inside a dotted name such as `auth.developmentIssuer.enabled`
                Pattern described = Pattern.compile("`[A-Za-z.\\[\\]n]*\\b" + m.group(1) + "\\b[A-Za-z.]*`");
                assertThat(described.matcher(doc).find()).as("key %s is described in %s", m.group(1), DOC).isTrue();
            }
        }
    }

    private static List<String> yamlBlocks() throws IOException {
        Matcher m = YAML_BLOCK.matcher(Files.readString(DOC));
        List<String> blocks = new ArrayList<>();
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    /** The examples name files under /etc/tunnelgw; they must exist for the config to load. */
    private static String withFilesIn(Path directory, String example) throws IOException {
        Matcher m = ETC_FILE.matcher(example);
        while (m.find()) {
            Path file = directory.resolve(m.group(1));
            if (!Files.exists(file)) {
                Files.writeString(file, "example\n");
            }
        }
        return ETC_FILE.matcher(example).replaceAll(Matcher.quoteReplacement(directory.toString()) + "/$1");
    }
}
