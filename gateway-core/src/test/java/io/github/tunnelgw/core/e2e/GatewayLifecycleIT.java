package io.github.tunnelgw.core.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The launcher contract: {@code bin/gateway run} comes up in a namespace with its tun and nft table, and on SIGTERM
 * stops within the grace period and removes both; bad configuration is one line on stderr and status 2;
 * {@code ipForward: require} with forwarding off is one line and status 1, and leaves neither behind.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class GatewayLifecycleIT {
    private static final String IP_FORWARD = "net.ipv4.ip_forward";
    private static Path output;

    @BeforeAll
    static void prerequisites() {
        E2eSettings.requireGatewayPrerequisites();
        output = E2eOutput.freshDirectory("GatewayLifecycleIT");
    }

    @Test
    void sigtermStopsTheGatewayAndRemovesItsTunAndNftTable() {
        try (Topology topology = Topology.create()) {
            forwardingOff(topology);
            Path config = GatewayConfigFile.write(output.resolve("gateway.yaml"), topology, output.resolve("state"));
            GatewayCommandLine cli = GatewayCommandLine.inNamespace(E2eSettings.projectRoot(), topology.gateway(), config);
            String table = GatewayConfigFile.nftTable(topology);
            String log;
            try (GatewayProcess gateway = GatewayProcess.start(cli, output.resolve("gateway.log"))) {
                assertThat(nftTables(topology)).as("nft tables while running").anyMatch(line -> line.endsWith(" " + table));
                assertThat(tunLinks(topology)).as("tun devices while running").isNotEmpty();
                assertThat(topology.gateway().sysctl(IP_FORWARD)).as("ipForward: enable").isEqualTo("1");

                int status = gateway.stop();

                assertThat(gateway.neededSigkill()).as("the gateway ignored SIGTERM for %s; log:\n%s",
                        GatewayProcess.STOP_GRACE, gateway.log()).isFalse();
                // a JVM ending through its shutdown hooks after SIGTERM reports 128 + 15
                assertThat(status).as("exit status after SIGTERM").isIn(0, 143);
                log = gateway.log();
            }
            assertThat(log).as("the gateway's log").contains("gateway stopped").doesNotContain("while stopping").doesNotContain("could not");
            // the default config warms the DTLS handshake up before the ports open
            assertThat(log).as("the gateway's log").containsPattern("DTLS handshake warmed up: [1-9][0-9]* handshakes")
                    .doesNotContain("DTLS warm-up failed");
            assertThat(nftTables(topology)).as("nft tables after stop; gateway log:\n%s", log)
                    .noneMatch(line -> line.endsWith(" " + table));
            assertThat(tunLinks(topology)).as("tun devices after stop; gateway log:\n%s", log).isEmpty();
        }
    }

    @Test
    void requireWithForwardingOffRefusesToStartWithOneLineAndLeavesNoTunOrNftTable() {
        try (Topology topology = Topology.create()) {
            forwardingOff(topology);
            Path config = GatewayConfigFile.write(output.resolve("require.yaml"), topology,
                    output.resolve("require-state"), GatewayConfigFile.nat(topology, "require") + "\n");
            GatewayCommandLine cli = GatewayCommandLine.inNamespace(E2eSettings.projectRoot(), topology.gateway(), config);

            CommandResult result = cli.run("run");

            // an environment problem, not bad configuration: status 1 (GatewayCli.EXIT_FAILURE), not 2
            assertThat(result.exitCode()).as(result.describe()).isEqualTo(1);
            assertThat(result.stderr().strip()).as(result.describe()).isEqualTo("gateway: net.ipv4.ip_forward is 0 and"
                    + " nat.ipForward is 'require': enable it (sysctl -w net.ipv4.ip_forward=1) or set nat.ipForward: enable");
            assertThat(topology.gateway().sysctl(IP_FORWARD)).as("'require' never switches forwarding on").isEqualTo("0");
            assertThat(nftTables(topology)).as("nft tables after the refusal; %s", result.describe())
                    .noneMatch(line -> line.endsWith(" " + GatewayConfigFile.nftTable(topology)));
            assertThat(tunLinks(topology)).as("tun devices after the refusal; %s", result.describe()).isEmpty();
        }
    }

    @Test
    void badConfigurationIsOneLineOnStderrAndStatus2() throws IOException {
        Path bad = Files.writeString(output.resolve("bad.yaml"), "listenPort: 70000\n");
        GatewayCommandLine cli = GatewayCommandLine.onHost(E2eSettings.projectRoot(), bad);

        CommandResult result = cli.run("pin");

        assertThat(result.exitCode()).as(result.describe()).isEqualTo(2);
        assertThat(result.stderr().strip()).as(result.describe()).doesNotContain("\n").contains("listenPort");
        assertThat(result.stdout()).isEmpty();
    }

    @Test
    void tokenWithoutUserIsAUsageErrorWithStatus2() throws IOException {
        Path good = GatewayConfigFile.writeMinimal(output.resolve("standalone.yaml"), output.resolve("standalone-state"));
        GatewayCommandLine cli = GatewayCommandLine.onHost(E2eSettings.projectRoot(), good);

        CommandResult result = cli.run("token");

        assertThat(result.exitCode()).as(result.describe()).isEqualTo(2);
        assertThat(result.stderr().strip()).as(result.describe()).doesNotContain("\n").contains("user");
        assertThat(result.stdout()).as("no token without a user").isEmpty();
    }

    /** A new namespace may inherit forwarding switched on from the host; the tests must start from off. */
    private static void forwardingOff(Topology topology) {
        topology.gateway().sysctl(IP_FORWARD, "0");
        assertThat(topology.gateway().sysctl(IP_FORWARD)).as("forwarding before the gateway starts").isEqualTo("0");
    }

    private static List<String> nftTables(Topology topology) {
        return topology.gateway().runChecked(Tool.NFT, "list", "tables").stdout().lines().map(String::strip).toList();
    }

    private static List<String> tunLinks(Topology topology) {
        return topology.gateway().runChecked(Tool.IP, "-o", "link", "show").stdout().lines()
                .filter(line -> line.matches("\\d+: " + GatewayConfigFile.TUN_PREFIX + "\\d+[:@].*"))
                .toList();
    }
}
