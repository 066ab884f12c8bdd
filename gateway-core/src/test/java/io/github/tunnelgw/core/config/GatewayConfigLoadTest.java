package io.github.tunnelgw.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayConfigLoadTest {
    @TempDir
    Path dir;

    @Test
    void loadsAFile() throws IOException, ConfigException {
        Path file = Files.writeString(dir.resolve("gw.yaml"), GatewayConfigTest.FULL_EXAMPLE);
        GatewayConfig config = GatewayConfig.load(file);
        assertThat(config.sourceFile()).contains(file.toAbsolutePath().normalize());
        assertThat(config).usingRecursiveComparison().ignoringFields("sourceFile").isEqualTo(GatewayConfig.defaults());
    }

    @Test
    void missingFile() {
        Path file = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> GatewayConfig.load(file))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.isFileLevel()).isTrue())
                .hasMessage("config file " + file + ": does not exist");
    }

    @Test
    void directoryInsteadOfFile() {
        assertThatThrownBy(() -> GatewayConfig.load(dir)).hasMessage("config file " + dir + ": is a directory, not a file");
    }

    @Test
    void notUtf8() throws IOException {
        Path file = Files.write(dir.resolve("latin1.yaml"), "splitDNS: [caf\u00e9]".getBytes("ISO-8859-1"));
        assertThatThrownBy(() -> GatewayConfig.load(file)).hasMessage("config file " + file + ": is not UTF-8 text");
    }

    @Test
    void syntaxErrorNamesTheFile() throws IOException {
        Path file = Files.writeString(dir.resolve("bad.yaml"), "listenPort: 443\n  network: x\n");
        assertThatThrownBy(() -> GatewayConfig.load(file))
                .hasMessageStartingWith("config file " + file + ": YAML syntax error at line 2");
    }

    @Test
    void keyErrorsFromAFileNameTheKey() throws IOException {
        Path file = Files.writeString(dir.resolve("gw.yaml"), "nat:\n  ipForward: sometimes\n");
        assertThatThrownBy(() -> GatewayConfig.load(file))
                .hasMessage("config key 'nat.ipForward': expected one of enable, require, ignore, found \"sometimes\"");
    }

    @Test
    void stateDirectoryDefaults() {
        Path home = Path.of("/home/alice");
        assertThat(GatewayConfig.State.defaultDirectory(Map.of("GATEWAY_STATE_DIR", "/x/y"), true, home))
                .isEqualTo(Path.of("/x/y"));
        assertThat(GatewayConfig.State.defaultDirectory(Map.of(), true, home)).isEqualTo(Path.of("/var/lib/tunnelgw"));
        assertThat(GatewayConfig.State.defaultDirectory(Map.of("XDG_STATE_HOME", "/xdg"), false, home))
                .isEqualTo(Path.of("/xdg/tunnelgw"));
        assertThat(GatewayConfig.State.defaultDirectory(Map.of("XDG_STATE_HOME", "relative"), false, home))
                .isEqualTo(Path.of("/home/alice/.local/state/tunnelgw"));
        assertThat(GatewayConfig.State.defaultDirectory(Map.of("GATEWAY_STATE_DIR", ""), false, home))
                .isEqualTo(Path.of("/home/alice/.local/state/tunnelgw"));
    }
}
