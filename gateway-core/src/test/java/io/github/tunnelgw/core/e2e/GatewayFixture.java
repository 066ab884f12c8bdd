package io.github.tunnelgw.core.e2e;

import io.github.tunnelgw.auth.DevelopmentIssuer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One topology with one running gateway, shared by the tests of a class: config written, certificate pinned,
 * development issuer key created by the gateway's own {@code token} command and loaded for minting odd tokens.
 * close() stops the gateway (SIGTERM) before removing the namespaces.
 */
final class GatewayFixture implements AutoCloseable {
    static final String DEFAULT_ISSUER = "https://gateway.invalid/dev-issuer";
    static final String DEFAULT_AUDIENCE = "3678c9e9-9681-447a-974d-d19f668fcd88";

    private final Path directory;
    private final Topology topology;
    private final GatewayCommandLine cli;
    private final String pin;
    private final DevelopmentIssuer issuer;
    private final GatewayProcess gateway;
    private final MetricsScraper metrics;
    private final List<AutoCloseable> resources;

    private GatewayFixture(Path directory, Topology topology, GatewayCommandLine cli, String pin,
                           DevelopmentIssuer issuer, GatewayProcess gateway, List<AutoCloseable> resources) {
        this.resources = resources;
        this.directory = directory;
        this.topology = topology;
        this.cli = cli;
        this.pin = pin;
        this.issuer = issuer;
        this.gateway = gateway;
        this.metrics = new MetricsScraper(topology.gateway(), GatewayConfigFile.METRICS_LISTEN);
    }

    /**
     * Something the gateway needs before it starts, such as an identity provider in its namespace.
     */
    @FunctionalInterface
    interface Preparation {
        /**
         * @param cleanup where to register what must be closed after the gateway stops (before the namespaces go)
         * @return YAML appended to the gateway's config
         */
        String prepare(Path directory, Topology topology, List<AutoCloseable> cleanup) throws Exception;
    }

    /** Checks the prerequisites (skip or fail, see {@link E2eSettings}), then builds everything. */
    static GatewayFixture start(String name) {
        return start(name, (directory, topology, cleanup) -> "");
    }

    /** Like {@link #start(String)}, running {@code preparation} after the namespaces exist and before the gateway starts. */
    static GatewayFixture start(String name, Preparation preparation) {
        E2eSettings.requireGatewayPrerequisites();
        Path directory = E2eOutput.freshDirectory(name);
        Topology topology = Topology.create();
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            Path state = directory.resolve("state");
            String extraYaml;
            try {
                extraYaml = preparation.prepare(directory, topology, resources);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new HarnessException("preparing the gateway's surroundings failed", e);
            }
            Path config = GatewayConfigFile.write(directory.resolve("gateway.yaml"), topology, state, extraYaml);
            GatewayCommandLine cli = GatewayCommandLine.inNamespace(E2eSettings.projectRoot(), topology.gateway(), config);
            String pin = cli.pin();
            cli.token("e2e-bootstrap", Duration.ofMinutes(1)); // the gateway, not the test, creates the issuer key
            DevelopmentIssuer issuer = DevelopmentIssuer.loadOrCreate(state, DEFAULT_ISSUER, DEFAULT_AUDIENCE);
            GatewayProcess gateway = GatewayProcess.start(cli, directory.resolve("gateway.log"));
            return new GatewayFixture(directory, topology, cli, pin, issuer, gateway, resources);
        } catch (IOException e) {
            closeAll(resources);
            topology.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            closeAll(resources);
            topology.close();
            throw e;
        }
    }

    private static List<RuntimeException> closeAll(List<AutoCloseable> resources) {
        List<RuntimeException> failures = new ArrayList<>();
        for (AutoCloseable resource : resources.reversed()) {
            try {
                resource.close();
            } catch (RuntimeException e) {
                failures.add(e);
            } catch (Exception e) {
                failures.add(new HarnessException("closing " + resource + " failed", e));
            }
        }
        return failures;
    }

    Path directory() {
        return directory;
    }

    Topology topology() {
        return topology;
    }

    GatewayCommandLine cli() {
        return cli;
    }

    String pin() {
        return pin;
    }

    DevelopmentIssuer issuer() {
        return issuer;
    }

    GatewayProcess gateway() {
        return gateway;
    }

    MetricsScraper metrics() {
        return metrics;
    }

    /** A client whose runs keep their files under this fixture's directory, in {@code testName}. */
    OpenconnectClient client(String testName) {
        return new OpenconnectClient(topology, pin, E2eOutput.subdirectory(directory, testName));
    }

    @Override
    public void close() {
        List<RuntimeException> failures = new ArrayList<>();
        try {
            gateway.close();
        } catch (RuntimeException e) {
            failures.add(e);
        }
        failures.addAll(closeAll(resources));
        try {
            topology.close();
        } catch (RuntimeException e) {
            failures.add(e);
        }
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            failures.stream().skip(1).forEach(first::addSuppressed);
            throw first;
        }
    }
}
