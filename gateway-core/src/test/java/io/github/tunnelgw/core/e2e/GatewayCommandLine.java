package io.github.tunnelgw.core.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Runs {@code bin/gateway} subcommands for one config file, inside the gateway's namespace or on the host. */
final class GatewayCommandLine {
    private static final Duration CLI_TIMEOUT = Duration.ofSeconds(60);

    private final Path launcher;
    private final Optional<NetworkNamespace> namespace;
    private final Path config;

    private GatewayCommandLine(Path projectRoot, Optional<NetworkNamespace> namespace, Path config) {
        this.launcher = projectRoot.resolve("bin/gateway");
        this.namespace = namespace;
        this.config = config;
    }

    static GatewayCommandLine inNamespace(Path projectRoot, NetworkNamespace namespace, Path config) {
        return new GatewayCommandLine(projectRoot, Optional.of(namespace), config);
    }

    /** For subcommands that open no socket (pin, token, bad-argument checks). */
    static GatewayCommandLine onHost(Path projectRoot, Path config) {
        return new GatewayCommandLine(projectRoot, Optional.empty(), config);
    }

    Path config() {
        return config;
    }

    String where() {
        return namespace.map(ns -> "namespace " + ns).orElse("the host namespace");
    }

    /** The launcher finds a JDK itself; pointing it at the one running the tests keeps the two the same. */
    static Map<String, String> environment() {
        return Map.of("JAVA_HOME", System.getProperty("java.home"));
    }

    List<String> command(String subcommand, String... args) {
        List<String> command = new ArrayList<>(List.of(subcommand, "--config", config.toString()));
        command.addAll(List.of(args));
        command.addFirst(launcher.toString());
        return namespace.map(ns -> ns.command(command)).orElse(command);
    }

    /** Runs a subcommand to completion (for tests of bad arguments, where a non-zero status is expected). */
    CommandResult run(String subcommand, String... args) {
        return Commands.run(CLI_TIMEOUT, withEnvironment(command(subcommand, args)), null);
    }

    /** {@code pin}: the served certificate's {@code pin-sha256:...}. Creates the certificate on first use. */
    String pin() {
        CommandResult result = run("pin");
        String pin = result.stdout().strip();
        if (!result.succeeded() || !pin.matches("pin-sha256:[A-Za-z0-9+/]{43}=")) {
            throw new HarnessException("`gateway pin` did not print a pin: " + result.describe());
        }
        return pin;
    }

    /** {@code token}: a token from the development issuer. Creates the issuer key on first use. Never logged. */
    String token(String user, Duration ttl) {
        CommandResult result = run("token", "--user", user, "--ttl", ttl.toSeconds() + "s");
        String token = result.stdout().strip();
        if (!result.succeeded() || !token.matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+")
                || result.stdout().lines().count() != 1) {
            // the output is not quoted: if it is a token after all, it must not land in a report
            throw new HarnessException("`gateway token` did not print one compact JWT line (exit " + result.exitCode()
                    + ", " + result.stdout().length() + " chars on stdout); stderr: " + result.stderr());
        }
        return token;
    }

    /** {@code env JAVA_HOME=... <command>}: Commands.run has no environment parameter, and it needs none elsewhere. */
    private static List<String> withEnvironment(List<String> command) {
        List<String> withEnv = new ArrayList<>(List.of("/usr/bin/env"));
        environment().forEach((key, value) -> withEnv.add(key + "=" + value));
        withEnv.addAll(command);
        return withEnv;
    }
}
