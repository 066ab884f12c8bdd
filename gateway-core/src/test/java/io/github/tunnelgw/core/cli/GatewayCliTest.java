package io.github.tunnelgw.core.cli;

import io.github.tunnelgw.auth.DevelopmentIssuer;
import io.github.tunnelgw.auth.Principal;
import io.github.tunnelgw.core.tls.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

class GatewayCliTest {
    @TempDir
    Path dir;

    record Outcome(int status, String out, String err) {
    }

    Outcome run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = GatewayCli.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    Path config(String extra) throws Exception {
        Path file = dir.resolve("gateway.yaml");
        Files.writeString(file, "state: { directory: \"" + dir.resolve("state") + "\" }\n" + extra);
        return file;
    }

    @Test
    void tokenMintsAValidTokenForTheUser() throws Exception {
        Path config = config("");
        Outcome outcome = run("token", "--config", config.toString(), "--user", "alice", "--ttl", "2h");
        assertThat(outcome.status()).isZero();
        String token = outcome.out().strip();
        assertThat(outcome.out().lines()).hasSize(1);
        DevelopmentIssuer issuer = DevelopmentIssuer.loadOrCreate(dir.resolve("state"), "https://gateway.invalid/dev-issuer",
                "3678c9e9-9681-447a-974d-d19f668fcd88");
        Principal principal = issuer.validator().validate(token);
        assertThat(principal.userName()).isEqualTo("alice");
    }

    @Test
    void pinPrintsTheServedCertificatesPinAndIsStable() throws Exception {
        Path config = config("");
        Outcome first = run("pin", "--config", config.toString());
        Outcome second = run("pin", "--config=" + config);
        assertThat(first.status()).isZero();
        assertThat(first.out().strip()).matches("pin-sha256:[A-Za-z0-9+/]{43}=");
        assertThat(second.out()).isEqualTo(first.out());
    }

    @Test
    void badArgumentsAreOneLineAndExitTwo() throws Exception {
        Path config = config("");
        String[][] cases = {
                {},
                {"frobnicate"},
                {"run", "--nope", "x"},
                {"token", "--config", config.toString()},
                {"token", "--config", config.toString(), "--user", "a", "--ttl", "soon"},
                {"token", "--config", config.toString(), "--user", "a", "--ttl", "48h"},
                {"token", "--user"},
                {"pin", "--config", dir.resolve("missing.yaml").toString()},
        };
        for (String[] args : cases) {
            Outcome outcome = run(args);
            assertThat(outcome.status()).as(String.join(" ", args)).isEqualTo(GatewayCli.EXIT_USAGE);
            assertThat(outcome.err().strip()).as(String.join(" ", args)).startsWith("gateway: ").doesNotContain("\n");
        }
    }

    @Test
    void badConfigKeyIsNamed() throws Exception {
        Path config = config("listenPort: 70000\n");
        Outcome outcome = run("run", "--config", config.toString());
        assertThat(outcome.status()).isEqualTo(2);
        assertThat(outcome.err()).contains("listenPort");
        Outcome unknown = run("pin", "--config", config("tls: { certFile: x.pem }\n").toString());
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).contains("tls.certFile");
    }

    @Test
    void pfxWithAWrongPasswordIsOneLineNamingTheFileAndExitsTwo() throws Exception {
        KeyPair pair = TestCertificates.ecKeyPair();
        Path pfx = TestCertificates.writePkcs12(dir.resolve("server.pfx"), pair.getPrivate(),
                new Certificate[]{certificate(pair)}, "Right-Password-1".toCharArray());

        Outcome outcome = run("pin", "--config",
                config("tls: { pfxFile: \"" + pfx + "\", pfxPassword: \"Wrong-Password-2\" }\n").toString());

        assertCredentialError(outcome, pfx);
        assertThat(outcome.err()).doesNotContain("Wrong-Password-2").doesNotContain("Right-Password-1");
    }

    @Test
    void pemKeyOfAnotherCertificateIsOneLineNamingTheKeyFileAndExitsTwo() throws Exception {
        Path certificate = Files.writeString(dir.resolve("server.pem"), TestCertificates.pem(certificate(TestCertificates.ecKeyPair())));
        Path otherKey = Files.writeString(dir.resolve("other.key"), TestCertificates.pem(TestCertificates.ecKeyPair().getPrivate()));

        assertCredentialError(run("pin", "--config", pemConfig(certificate, otherKey).toString()), otherKey);
    }

    @Test
    void missingCertificateFileIsOneLineNamingItAndExitsTwo() throws Exception {
        Path key = Files.writeString(dir.resolve("server.key"), TestCertificates.pem(TestCertificates.ecKeyPair().getPrivate()));
        Path missing = dir.resolve("absent.pem");

        assertCredentialError(run("pin", "--config", pemConfig(missing, key).toString()), missing);
    }

    private Path pemConfig(Path certificate, Path key) throws Exception {
        return config("tls: { certificateFile: \"" + certificate + "\", privateKeyFile: \"" + key + "\" }\n");
    }

    private static X509Certificate certificate(KeyPair pair) throws Exception {
        Instant now = Instant.now();
        return TestCertificates.selfSigned(pair, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
    }

    /** An administrator's mistake in the credentials: one line on stderr that says which file, nothing on stdout. */
    private static void assertCredentialError(Outcome outcome, Path file) {
        assertThat(outcome.status()).as(outcome.err()).isEqualTo(GatewayCli.EXIT_USAGE);
        assertThat(outcome.out()).isEmpty();
        assertThat(outcome.err().lines()).singleElement(STRING).startsWith("gateway: ").contains(file.toString());
    }

    @Test
    void tokenIsRefusedWhenTheDevelopmentIssuerIsDisabled() throws Exception {
        Outcome outcome = run("token", "--config", config("auth: { developmentIssuer: { enabled: false } }\n").toString(),
                "--user", "alice");
        assertThat(outcome.status()).isEqualTo(2);
        assertThat(outcome.out()).isEmpty();
    }
}
