package io.github.tunnelgw.core.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.github.tunnelgw.core.config.GatewayConfig;
import io.github.tunnelgw.core.tls.SelfSignedCertificate;
import io.github.tunnelgw.core.tls.ServerCredentials;
import io.github.tunnelgw.core.tls.TlsContextFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ControlPathWarmupTest {
    @TempDir
    Path state;

    @Test
    void logsInOverTlsCstpAndDtlsBeforeThePortOpensAndLeavesNothingInTheRunningGateway() throws Exception {
        try (LogCapture logs = LogCapture.start();
             TestGateway gateway = new TestGateway(state, "warmup: { logins: 12 }\n")) {
            List<String> warmedUp = logs.matching(m -> m.startsWith("login path warmed up")).stream()
                    .map(ILoggingEvent::getFormattedMessage).toList();
            assertThat(warmedUp).singleElement().asString().contains(": 12 logins over loopback");
            assertThat(logs.events()).as("the warm-up's logins, tunnels and logouts are not logged")
                    .noneMatch(event -> event.getFormattedMessage().contains("warmup-"))
                    .noneMatch(event -> event.getFormattedMessage().contains("127.0.0.1:0"))
                    .noneMatch(event -> event.getThreadName().startsWith(ControlPathWarmup.THREAD_PREFIX)
                            && event.getLevel().isGreaterOrEqual(Level.WARN));
            assertThat(logs.matching(m -> m.startsWith("DTLS listening"))).as("only the real DTLS listener").hasSize(1);

            // None of it reached the gateway that serves clients: no session, no lease, no count, no traffic.
            assertThat(gateway.server.sessions().sessionCount()).isZero();
            assertThat(gateway.server.sessions().leasesInUse()).isZero();
            assertThat(gateway.server.metrics().scrape()).contains("gateway_auth_successes_total 0.0");
            assertThat(gateway.server.counters().uplinkPackets.sum()).isZero();
            assertThat(gateway.edge.uplink).isEmpty();

            // and the gateway serves a real client afterwards
            try (RecordTlsClient client = gateway.client()) {
                String cookie = ControlChannelTest.login(client, gateway.token("alice"));
                assertThat(ControlChannelTest.openTunnel(client, cookie).status()).isEqualTo(200);
            }
            assertThat(gateway.server.sessions().sessionCount()).isEqualTo(1);
        }
    }

    /** {@code warmup.maxDuration} bounds the start-up the login warm-up may take (it was a fixed 5 s). */
    @Test
    void theGatewayStopsItsWarmupAtTheConfiguredMaxDuration() throws Exception {
        try (LogCapture logs = LogCapture.start();
             TestGateway gateway = new TestGateway(state, "warmup: { logins: 100000, maxDuration: 1s }\n")) {
            String line = logs.matching(m -> m.startsWith("login path warmed up")).getFirst().getFormattedMessage();
            Matcher m = Pattern.compile(": (\\d+) logins over loopback in (\\d+) ms").matcher(line);
            assertThat(m.find()).as(line).isTrue();
            assertThat(Integer.parseInt(m.group(1))).as("logins made").isBetween(1, 99_999);
            assertThat(Long.parseLong(m.group(2))).as("ms spent: up to the 1 s budget and the login under way then")
                    .isBetween(1_000L, 3_999L);
            try (RecordTlsClient client = gateway.client()) {
                String cookie = ControlChannelTest.login(client, gateway.token("alice"));
                assertThat(ControlChannelTest.openTunnel(client, cookie).status()).isEqualTo(200);
            }
        }
    }

    /**
     * The data-path phase: packets go through the private DTLS listener, the uplink (and its merging of TCP
     * segments), a packet pipe, the reflector, the tun-queue reader (cutting the merged segments apart again) and the
     * downlink, and come back to the warm-up client.
     */
    @Test
    void sendsPacketsThroughThePacketPathsAndGetsThemBack() throws Exception {
        GatewayConfig config = GatewayConfig.parse("network: 10.250.0.0/24\n", "test");
        ServerCredentials served = SelfSignedCertificate.loadOrCreate(state, List.of());

        ControlPathWarmup.Result result = ControlPathWarmup.run(config, GatewayServer.tunnelParameters(config),
                TlsContextFactory.serverContext(served), served.leaf(), 0, Duration.ofSeconds(5), 2_000);

        assertThat(result.logins()).as("no login phase asked for").isZero();
        assertThat(result.packetsSent()).as("a thirty-second over CSTP, the rest over DTLS: half singles, half bursts of 16")
                .isEqualTo(2_008);
        assertThat(result.packetsReceived()).as("loopback loses next to nothing")
                .isBetween(result.packetsSent() * 95 / 100, result.packetsSent());
        assertThat(result.dataMillis()).isLessThan(ControlPathWarmup.DATA_BUDGET.toMillis() + 2_000);
    }

    @Test
    void theGatewayWarmsItsPacketPathsByDefaultAndSaysSo() throws Exception {
        try (LogCapture logs = LogCapture.start();
             TestGateway gateway = new TestGateway(state, "warmup: { logins: 1 }\n")) {
            String line = logs.matching(m -> m.startsWith("packet paths warmed up")).getFirst().getFormattedMessage();
            Matcher m = Pattern.compile(": (\\d+) packets .* in (\\d+) ms, (\\d+) came back").matcher(line);
            assertThat(m.find()).as(line).isTrue();
            int sent = Integer.parseInt(m.group(1));
            assertThat(sent).as("the default 40000 (each channel's share rounded up to whole bursts), unless the 3-s"
                    + " budget ran out first").isBetween(1, 40_000 + 2 * (WarmupTraffic.BURST - 1));
            assertThat(Integer.parseInt(m.group(3))).as("came back").isBetween(sent * 95 / 100, sent);
            assertThat(gateway.server.counters().uplinkPackets.sum()).as("nothing reached the real gateway").isZero();
            assertThat(gateway.edge.uplink).isEmpty();
        }
    }

    @Test
    void theWarmupClientTrustsOnlyTheGatewaysOwnCertificate() throws Exception {
        GatewayConfig config = GatewayConfig.parse("network: 10.250.0.0/24\n", "test");
        ServerCredentials served = SelfSignedCertificate.loadOrCreate(state, List.of());
        Path other = Files.createDirectory(state.resolve("other"));
        ServerCredentials someoneElse = SelfSignedCertificate.loadOrCreate(other, List.of());

        assertThatThrownBy(() -> ControlPathWarmup.run(config, GatewayServer.tunnelParameters(config),
                TlsContextFactory.serverContext(served), someoneElse.leaf(), 5, Duration.ofSeconds(5)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("login warm-up failed at login 1");
    }

    @Test
    void stopsAtItsBudget() throws Exception {
        GatewayConfig config = GatewayConfig.parse("network: 10.250.0.0/24\n", "test");
        ServerCredentials served = SelfSignedCertificate.loadOrCreate(state, List.of());

        ControlPathWarmup.Result result = ControlPathWarmup.run(config, GatewayServer.tunnelParameters(config),
                TlsContextFactory.serverContext(served), served.leaf(), 100_000, Duration.ofMillis(300));

        assertThat(result.logins()).isBetween(1, 99_999);
        assertThat(result.elapsedMillis()).isLessThan(10_000);
    }
}
