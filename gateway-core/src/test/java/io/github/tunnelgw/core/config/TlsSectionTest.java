package io.github.tunnelgw.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsSectionTest {
    private static final String PASSWORD = "Tr0ub4dor&3-pfx-secret";

    @TempDir
    Path dir;
    private Path cert;
    private Path key;
    private Path pfx;

    @BeforeEach
    void files() throws IOException {
        // Content does not matter here: the config checks the files exist; the TLS loader parses them.
        cert = Files.writeString(dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\n");
        key = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\n");
        pfx = Files.write(dir.resolve("server.pfx"), new byte[] {0x30, 0x00});
    }

    private GatewayConfig parse(String tlsSection) throws ConfigException {
        return GatewayConfig.parse("tls:\n" + tlsSection.indent(2), "test.yaml");
    }

    @Test
    void pemPair() throws ConfigException {
        GatewayConfig.Tls tls = parse("certificateFile: " + cert + "\nprivateKeyFile: " + key).tls();
        assertThat(tls.certificateFile()).contains(cert);
        assertThat(tls.privateKeyFile()).contains(key);
        assertThat(tls.pfxFile()).isEmpty();
        assertThat(tls.selfSigned()).isFalse();
    }

    @Test
    void halfAPemPairIsAnError() {
        assertThatThrownBy(() -> parse("certificateFile: " + cert))
                .hasMessage("config key 'tls.privateKeyFile': must be set together with tls.certificateFile");
        assertThatThrownBy(() -> parse("privateKeyFile: " + key))
                .hasMessage("config key 'tls.certificateFile': must be set together with tls.privateKeyFile");
    }

    @Test
    void pfxAndPemTogetherAreAnError() {
        assertThatThrownBy(() -> parse("certificateFile: " + cert + "\nprivateKeyFile: " + key + "\npfxFile: " + pfx))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("tls.pfxFile"))
                .hasMessage("config key 'tls.pfxFile': set either pfxFile or certificateFile and privateKeyFile, not both");
    }

    @Test
    void inlinePfxPassword() throws ConfigException {
        GatewayConfig config = parse("pfxFile: " + pfx + "\npfxPassword: '" + PASSWORD + "'");
        assertThat(config.tls().pfxPassword()).map(Secret::reveal).contains(PASSWORD);
        assertThat(config.tls().pfxPasswordFile()).isEmpty();
        assertThat(config.toString()).doesNotContain(PASSWORD).contains("****");
        assertThat(config.tls().toString()).doesNotContain(PASSWORD);
    }

    @Test
    void numericPasswordIsKeptAsWritten() throws ConfigException {
        assertThat(parse("pfxFile: " + pfx + "\npfxPassword: 007").tls().pfxPassword()).map(Secret::reveal).contains("007");
    }

    @Test
    void passwordFileFirstLineIsThePassword() throws ConfigException, IOException {
        Path file = Files.writeString(dir.resolve("pw.txt"), PASSWORD + "\r\nsecond line\n");
        GatewayConfig config = parse("pfxFile: " + pfx + "\npfxPasswordFile: " + file);
        assertThat(config.tls().pfxPassword()).map(Secret::reveal).contains(PASSWORD);
        assertThat(config.tls().pfxPasswordFile()).contains(file);
        assertThat(config.toString()).doesNotContain(PASSWORD);
    }

    @Test
    void passwordFileWithoutNewline() throws ConfigException, IOException {
        Path file = Files.writeString(dir.resolve("pw.txt"), PASSWORD);
        assertThat(parse("pfxFile: " + pfx + "\npfxPasswordFile: " + file).tls().pfxPassword())
                .map(Secret::reveal).contains(PASSWORD);
    }

    @Test
    void passwordFileThatIsNotTextIsAnErrorWithoutItsContent() throws IOException {
        Path file = Files.write(dir.resolve("pw.bin"), new byte[] {'a', (byte) 0xff, (byte) 0xfe, '\n'});
        assertThatThrownBy(() -> parse("pfxFile: " + pfx + "\npfxPasswordFile: " + file))
                .hasMessageStartingWith("config key 'tls.pfxPasswordFile': file " + file + " cannot be read as UTF-8 text");
    }

    @Test
    void bothPasswordFormsAreAnError() throws IOException {
        Path file = Files.writeString(dir.resolve("pw.txt"), PASSWORD);
        assertThatThrownBy(() -> parse("pfxFile: " + pfx + "\npfxPassword: x\npfxPasswordFile: " + file))
                .hasMessage("config key 'tls.pfxPassword': set either pfxPassword or pfxPasswordFile, not both");
    }

    @Test
    void passwordWithoutPfxIsAnErrorThatDoesNotShowThePassword() {
        assertThatThrownBy(() -> parse("pfxPassword: '" + PASSWORD + "'"))
                .hasMessage("config key 'tls.pfxPassword': is set but tls.pfxFile is not")
                .hasMessageNotContaining(PASSWORD);
    }

    @Test
    void secretsNeverAppearInErrors() {
        String[] bad = {
            "pfxFile: " + pfx + "\npfxPassword: [" + PASSWORD + "]",
            "pfxFile: " + pfx + "\npfxPassword: {" + PASSWORD + ": x}",
            "pfxFile: " + pfx + "\npfxPassword: '" + PASSWORD + "'\nbogus: 1",
            "pfxFile: " + pfx + "\npfxPassword: '" + PASSWORD + "'\npfxPassword: again",
        };
        for (String yaml : bad) {
            assertThatThrownBy(() -> parse(yaml)).as(yaml).isInstanceOf(ConfigException.class)
                    .hasMessageNotContaining(PASSWORD);
        }
        // A syntax error on the password's own line reports position and problem, not the line.
        assertThatThrownBy(() -> GatewayConfig.parse("tls:\n  pfxPassword: \"" + PASSWORD + "\" extra: [", "t.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageNotContaining(PASSWORD);
    }

    @Test
    void hostNamesAreNormalised() throws ConfigException {
        assertThat(parse("hostNames: [VPN.Example.com., vpn2.example.com]").tls().hostNames())
                .containsExactly("vpn.example.com", "vpn2.example.com");
    }

    @Test
    void relativePathsResolveAgainstTheConfigFile() throws IOException, ConfigException {
        Path sub = Files.createDirectories(dir.resolve("etc"));
        Files.writeString(sub.resolve("c.pem"), "x");
        Files.writeString(sub.resolve("k.pem"), "x");
        Path file = Files.writeString(sub.resolve("gateway.yaml"),
                "tls:\n  certificateFile: c.pem\n  privateKeyFile: ./k.pem\nstate:\n  directory: state\n");
        GatewayConfig config = GatewayConfig.load(file);
        assertThat(config.tls().certificateFile()).contains(sub.resolve("c.pem"));
        assertThat(config.tls().privateKeyFile()).contains(sub.resolve("./k.pem"));
        assertThat(config.stateDirectory()).isEqualTo(sub.resolve("state"));
        assertThat(config.sourceFile()).contains(file.toAbsolutePath().normalize());
    }
}
