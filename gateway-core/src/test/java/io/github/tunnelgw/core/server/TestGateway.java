package io.github.tunnelgw.core.server;

import io.github.tunnelgw.auth.DevelopmentIssuer;
import io.github.tunnelgw.auth.IssuerRouter;
import io.github.tunnelgw.core.config.GatewayConfig;
import io.github.tunnelgw.core.tls.SelfSignedCertificate;
import io.github.tunnelgw.core.tls.ServerCredentials;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A gateway on loopback with real TLS, the development issuer and a {@link RecordingEdge}; no root needed. */
final class TestGateway implements AutoCloseable {
    final GatewayServer server;
    final RecordingEdge edge = new RecordingEdge();
    final DevelopmentIssuer issuer;
    /** The configured validator, when built from the config; closed with the gateway. */
    final IssuerRouter tokens;

    TestGateway(Path state, String extraYaml) throws Exception {
        this(state, "10.250.0.0/24", extraYaml);
    }

    TestGateway(Path state, String network, String extraYaml) throws Exception {
        this(state, network, extraYaml, false);
    }

    /**
     * A gateway whose validator is built from its config exactly as {@code gateway run} builds it
     * ({@link TokenIssuers#validator}): development issuer if enabled, plus {@code auth.issuers}.
     * {@link #issuer} is null when the development issuer is disabled.
     */
    static TestGateway withConfiguredIssuers(Path state, String extraYaml) throws Exception {
        return new TestGateway(state, "10.250.0.0/24", extraYaml, true);
    }

    private TestGateway(Path state, String network, String extraYaml, boolean configuredIssuers) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        String yaml = """
                listenAddress: 127.0.0.1
                listenPort: %d
                network: %s
                dnsServers: [10.201.9.53]
                defaultDomainSuffix: corp.example.com
                routeIncludes: [10.201.0.0/16]
                metrics: { enabled: false }
                state: { directory: "%s" }
                """.formatted(port, network, state)
                // Tests start many gateways: the login warm-up only where a test asks for it.
                + (extraYaml.contains("warmup:") ? "" : "warmup: { logins: 0 }\n") + extraYaml;
        GatewayConfig config = GatewayConfig.parse(yaml, "test");
        ServerCredentials credentials = SelfSignedCertificate.loadOrCreate(state, List.of());
        if (configuredIssuers) {
            tokens = TokenIssuers.validator(config);
            issuer = config.auth().developmentIssuer().enabled() ? TokenIssuers.developmentIssuer(config) : null;
        } else {
            issuer = DevelopmentIssuer.loadOrCreate(state, config.auth().developmentIssuer().issuer(),
                    config.auth().developmentIssuer().audience());
            tokens = null;
        }
        try {
            server = GatewayServer.start(config, credentials,
                    tokens != null ? tokens : issuer.validator(), pool -> edge);
        } catch (Exception e) {
            if (tokens != null) {
                tokens.close();
            }
            throw e;
        }
    }

    InetSocketAddress address() {
        return server.address();
    }

    String token(String user) {
        return issuer.mint(user, Duration.ofMinutes(10));
    }

    RecordTlsClient client() throws Exception {
        return RecordTlsClient.connect(address());
    }

    /** The sum of the samples of metric {@code name} whose labels contain {@code label} ("" for all of them). */
    double metric(String name, String label) {
        return server.metrics().scrape().lines()
                .filter(line -> (line.startsWith(name + "{") || line.startsWith(name + " ")) && line.contains(label))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    @Override
    public void close() {
        server.close();
        if (tokens != null) {
            tokens.close();
        }
    }
}
