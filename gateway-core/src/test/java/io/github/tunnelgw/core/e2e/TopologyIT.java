package io.github.tunnelgw.core.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The harness's own network: three namespaces, veths between neighbours only, no way for the end hosts to reach
 * each other without the gateway's address translation, cleanup even when a test throws, and the connection cut
 * used by the reconnect test. Needs no gateway.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class TopologyIT {
    private static Path output;

    @BeforeAll
    static void prerequisites() {
        E2eSettings.requireNetworkPrerequisites();
        output = E2eOutput.freshDirectory("TopologyIT");
    }

    @Test
    void neighboursReachEachOverAndCloseRemovesTheNamespaces() {
        List<String> names;
        try (Topology topology = Topology.create()) {
            names = topology.namespaceNames();
            assertThat(NamespaceNames.existing()).containsAll(names);
            assertThat(names).allMatch(name -> NamespaceNames.creatorPid(name).isPresent());

            assertThat(Ping.from(topology.client(), topology.gatewayOuterAddress(), 2).received()).isEqualTo(2);
            assertThat(Ping.from(topology.gateway(), topology.clientAddress(), 2).received()).isEqualTo(2);
            assertThat(Ping.from(topology.gateway(), topology.internalHostAddress(), 2).received()).isEqualTo(2);
            assertThat(Ping.from(topology.internal(), topology.gatewayInnerAddress(), 2).received()).isEqualTo(2);
        }
        assertThat(NamespaceNames.existing()).doesNotContainAnyElementsOf(names);
    }

    @Test
    void endHostsCannotReachEachOtherWithoutTheGateway() {
        try (Topology topology = Topology.create()) {
            Ping.Result clientToInternal = Ping.from(topology.client(), topology.internalHostAddress(), 1);
            assertThat(clientToInternal.received()).as(clientToInternal.output()).isZero();
            Ping.Result internalToClient = Ping.from(topology.internal(), topology.clientAddress(), 1);
            assertThat(internalToClient.received()).as(internalToClient.output()).isZero();
            assertThat(topology.internal().run(Tool.IP, "route", "get", topology.clientAddress()).succeeded())
                    .as("the internal host must have no route to the client network").isFalse();
        }
    }

    @Test
    void plainRoutingThroughTheGatewayFailsBecauseTheInternalHostCannotAnswer() {
        // What the tunnel tests rely on: without address translation, replies from the internal host have no way
        // back, so a working ping through the tunnel proves the gateway translated the source.
        try (Topology topology = Topology.create()) {
            topology.gateway().sysctl("net.ipv4.ip_forward", "1");
            topology.client().ip("route", "add", topology.internalNetwork(), "via", topology.gatewayOuterAddress());

            Ping.Result routed = Ping.from(topology.client(), topology.internalHostAddress(), 2);
            assertThat(routed.transmitted()).as(routed.output()).isEqualTo(2);
            assertThat(routed.received()).as(routed.output()).isZero();
        }
    }

    @Test
    void closeRemovesTheNamespacesWhenTheTestThrows() {
        List<String> names = new ArrayList<>();
        assertThatThrownBy(() -> {
            try (Topology topology = Topology.create()) {
                names.addAll(topology.namespaceNames());
                throw new IllegalStateException("simulated test failure");
            }
        }).hasMessage("simulated test failure");
        assertThat(names).hasSize(3);
        assertThat(NamespaceNames.existing()).doesNotContainAnyElementsOf(names);
    }

    @Test
    void connectionCutAbortsTheClientSocketAndEndsThePeersConnection() throws Exception {
        int port = 4443;
        Path directory = E2eOutput.subdirectory(output, "connection-cut");
        Path sinkResult = directory.resolve("sink-result.txt");
        try (Topology topology = Topology.create();
             BackgroundProcess sink = TcpTransfer.startSink(topology.gateway(), port, sinkResult,
                     directory.resolve("sink.log"));
             BackgroundProcess source = BackgroundProcess.start("holding TCP source",
                     TcpTransfer.holdingSourceCommand(topology, topology.gatewayOuterAddress(), port, Duration.ofSeconds(60)),
                     directory.resolve("source.log"), Map.of(), null)) {
            Poll.until("the held connection to be established", Duration.ofSeconds(20),
                    () -> ConnectionCutter.established(topology.client(), topology.gatewayOuterAddress(), port) == 1);

            int cut = ConnectionCutter.cut(topology.client(), topology.gatewayOuterAddress(), port);

            assertThat(cut).isEqualTo(1);
            OptionalInt sourceStatus = source.awaitExit(Duration.ofSeconds(10));
            assertThat(sourceStatus).as(source.log()).hasValue(TcpSource.EXIT_ABORTED);
            assertThat(source.log()).contains("aborted");
            // The peer learns of the cut at once (a reset), long before the 60 s hold would have ended.
            assertThat(sink.awaitExit(Duration.ofSeconds(10))).as(sink.log()).isPresent();
            assertThat(Files.exists(sinkResult)).as("a reset is not an orderly end of stream").isFalse();
            assertThat(ConnectionCutter.established(topology.client(), topology.gatewayOuterAddress(), port)).isZero();
        }
    }
}
