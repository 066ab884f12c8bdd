package io.github.tunnelgw.core.cli;

import io.github.tunnelgw.auth.DevelopmentIssuer;
import io.github.tunnelgw.core.config.ConfigException;
import io.github.tunnelgw.core.config.Durations;
import io.github.tunnelgw.core.config.GatewayConfig;
import io.github.tunnelgw.core.server.GatewayRunner;
import io.github.tunnelgw.core.server.ServerIdentity;
import io.github.tunnelgw.core.server.TokenIssuers;
import io.github.tunnelgw.core.tls.CertificatePins;
import io.github.tunnelgw.core.tls.CredentialException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code bin/gateway} subcommands: {@code run}, {@code token}, {@code pin}. Bad arguments or configuration print
 * one line naming the problem and exit with status 2; other failures exit with status 1.
 */
public final class GatewayCli {
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_FAILURE = 1;
    private static final Map<String, Set<String>> OPTIONS = new LinkedHashMap<>();

    static {
        OPTIONS.put("run", Set.of("config"));
        OPTIONS.put("token", Set.of("config", "user", "ttl"));
        OPTIONS.put("pin", Set.of("config"));
        OPTIONS.put("help", Set.of());
    }

    private GatewayCli() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && !"run".equals(args[0])) {
            // stdout carries the token or pin; keep log lines off it.
            System.setProperty("gateway.log.target", "System.err");
        }
        System.exit(execute(args, System.out, System.err));
    }

    static int execute(String[] args, PrintStream out, PrintStream err) {
        try {
            CliArguments cli = CliArguments.parse(args, OPTIONS);
            return switch (cli.command()) {
                case "run" -> GatewayRunner.run(loadConfig(cli.path("config")), out);
                case "token" -> token(cli, out);
                case "pin" -> pin(cli, out);
                default -> help(out);
            };
        } catch (UsageException | ConfigException | CredentialException e) {
            err.println("gateway: " + e.getMessage());
            return EXIT_USAGE;
        } catch (IOException e) {
            err.println("gateway: " + e.getMessage());
            return EXIT_FAILURE;
        } catch (Exception e) {
            err.println("gateway: " + e);
            return EXIT_FAILURE;
        }
    }

    static GatewayConfig loadConfig(Optional<Path> file) throws ConfigException {
        return file.isPresent() ? GatewayConfig.load(file.get()) : GatewayConfig.defaults();
    }

    private static int token(CliArguments cli, PrintStream out) throws Exception {
        String user = cli.required("user");
        Duration ttl;
        try {
            ttl = Durations.parse(cli.option("ttl").orElse("1h"));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--ttl: " + e.getMessage());
        }
        DevelopmentIssuer issuer = TokenIssuers.developmentIssuer(loadConfig(cli.path("config")));
        try {
            out.println(issuer.mint(user, ttl));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        return 0;
    }

    private static int pin(CliArguments cli, PrintStream out) throws Exception {
        GatewayConfig config = loadConfig(cli.path("config"));
        out.println(CertificatePins.pinSha256(ServerIdentity.load(config).chain().get(0)));
        return 0;
    }

    private static int help(PrintStream out) {
        out.println("""
                usage: gateway <subcommand> [options]
                  run   [--config FILE]                          run the gateway (no config: the embedded default)
                  token [--config FILE] --user NAME [--ttl 1h]   mint a token from the development issuer
                  pin   [--config FILE]                          print the served certificate's pin-sha256""");
        return 0;
    }
}
