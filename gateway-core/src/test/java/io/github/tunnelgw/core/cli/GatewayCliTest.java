package io.github.tunnelgw.core.cli;

import io.github.tunnelgw.auth.DevelopmentIssuer;
import io.github.tunnelgw.auth.Principal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

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
    void tokenIsRefusedWhenTheDevelopmentIssuerIsDisabled() throws Exception {
        Outcome outcome = run("token", "--config", config("auth: { developmentIssuer: { enabled: false } }\n").toString(),
                "--user", "alice");
        assertThat(outcome.status()).isEqualTo(2);
        assertThat(outcome.out()).isEmpty();
    }
}
