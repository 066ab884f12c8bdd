package io.github.tunnelgw.core.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The DTLS data channel with the real openconnect 9.01 (reference §5): PSK-NEGOTIATE is established, the tunnel
 * MTU is the DTLS-computed one (MTU probes echoed), the bulk of a transfer crosses DTLS, {@code --no-dtls} still
 * works over TLS, and {@code disableUdpConnections: true} offers no DTLS at all.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class OpenconnectDtlsIT {
    private static final long TRANSFER_BYTES = 50L * 1024 * 1024;
    private static final int SINK_PORT = 5002;
    private static final Duration TOKEN_TTL = Duration.ofMinutes(10);
    private static final Duration METRICS_SETTLE = Duration.ofSeconds(15);
    private static final String DTLS_BYTES = "gateway_dtls_bytes_total";
    private static final String DTLS_HANDSHAKES = "gateway_dtls_handshakes_total";
    /** Link 1500 − IPv4 20 − UDP 8 − DTLS AES-GCM record 37 − type byte 1 (reference §3.4). */
    private static final int DTLS_TUNNEL_MTU = 1434;
    /** Without DTLS: link 1500 − IPv4 20 − UDP 8, as ocserv announces it. */
    private static final int TLS_TUNNEL_MTU = 1472;

    private static GatewayFixture fixture;

    @BeforeAll
    static void startGateway() {
        fixture = GatewayFixture.start("OpenconnectDtlsIT");
    }

    @AfterAll
    static void stopGateway() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    @Order(1)
    void dtlsCarriesTheBulkOfATransferWithTheComputedMtu(TestInfo test) {
        String token = fixture.issuer().mint("dtls-alice", TOKEN_TTL);
        try (OpenconnectRun run = client(test).connect("dtls", ClientLogin.token(token))) {
            ScriptRecord connect = run.awaitTunnelUp();

            assertThat(run.dtlsEstablished()).as(run.diagnostics()).isTrue();
            assertThat(run.output()).contains("(DTLS1.2)-(PSK)-(AES-256-GCM)");
            assertThat(Integer.parseInt(connect.get("INTERNAL_IP4_MTU")))
                    .as("tunnel MTU: the MTU probe was echoed, so the client kept the computed value")
                    .isEqualTo(DTLS_TUNNEL_MTU);

            double dtlsUpBefore = dtlsBytes("up");
            TransferResult transfer = TcpTransfer.run(fixture.topology(), directory(test), SINK_PORT, TRANSFER_BYTES);
            assertThat(transfer.receivedSha256()).isEqualTo(transfer.sentSha256());
            double overDtls = dtlsBytes("up") - dtlsUpBefore;
            System.out.printf("[e2e] %d bytes in %d ms (%.0f Mbit/s); %.0f bytes of IP packets crossed DTLS%n",
                    transfer.receivedBytes(), transfer.elapsed().toMillis(), transfer.megabitsPerSecond(), overDtls);
            assertThat(overDtls).as("uplink bytes over DTLS during a %d-byte upload", TRANSFER_BYTES)
                    .isGreaterThan(0.8 * TRANSFER_BYTES);
            assertThat(dtlsBytes("down")).as("TCP acknowledgements came back over DTLS").isPositive();

            assertThat(run.interrupt()).as(run.diagnostics()).isZero();
        }
        fixture.metrics().awaitSessionsAndLeases(0, 0, METRICS_SETTLE);
    }

    @Test
    @Order(2)
    void noDtlsClientRunsOverTls(TestInfo test) {
        String token = fixture.issuer().mint("dtls-bob", TOKEN_TTL);
        double handshakesBefore = handshakes();
        try (OpenconnectRun run = client(test).connect("no-dtls", ClientLogin.token(token), "--no-dtls")) {
            ScriptRecord connect = run.awaitTunnelUp();

            assertThat(run.dtlsEstablished()).isFalse();
            assertThat(Integer.parseInt(connect.get("INTERNAL_IP4_MTU"))).as("no DTLS overhead without DTLS")
                    .isEqualTo(TLS_TUNNEL_MTU);
            TransferResult transfer = TcpTransfer.run(fixture.topology(), directory(test), SINK_PORT, 2L * 1024 * 1024);
            assertThat(transfer.receivedSha256()).isEqualTo(transfer.sentSha256());
            assertThat(handshakes()).isEqualTo(handshakesBefore);
            assertThat(run.interrupt()).as(run.diagnostics()).isZero();
        }
        fixture.metrics().awaitSessionsAndLeases(0, 0, METRICS_SETTLE);
    }

    @Test
    @Order(3)
    void disableUdpConnectionsOffersNoDtls(TestInfo test) {
        try (GatewayFixture tlsOnly = GatewayFixture.start("OpenconnectDtlsIT-udp-off",
                (directory, topology, cleanup) -> "disableUdpConnections: true\n")) {
            String token = tlsOnly.issuer().mint("dtls-carol", TOKEN_TTL);
            OpenconnectClient client = tlsOnly.client(test.getTestMethod().orElseThrow().getName());
            try (OpenconnectRun run = client.connect("udp-off", ClientLogin.token(token))) {
                ScriptRecord connect = run.awaitTunnelUp();

                assertThat(run.dtlsEstablished()).isFalse();
                assertThat(run.output()).as("the CONNECT response carried no X-DTLS-* header")
                        .doesNotContain("X-DTLS-App-ID").doesNotContain("Established DTLS");
                assertThat(Integer.parseInt(connect.get("INTERNAL_IP4_MTU"))).isEqualTo(TLS_TUNNEL_MTU);
                PrometheusSamples samples = tlsOnly.metrics().scrape();
                assertThat(samples.valueOrZero(DTLS_HANDSHAKES, Map.of("outcome", "completed"))).isZero();
                assertThat(run.interrupt()).as(run.diagnostics()).isZero();
            }
        }
    }

    private static double dtlsBytes(String direction) {
        return fixture.metrics().scrape().valueOrZero(DTLS_BYTES, Map.of("direction", direction));
    }

    private static double handshakes() {
        return fixture.metrics().scrape().valueOrZero(DTLS_HANDSHAKES, Map.of("outcome", "completed"));
    }

    private static Path directory(TestInfo test) {
        return E2eOutput.subdirectory(fixture.directory(), test.getTestMethod().orElseThrow().getName());
    }

    private static OpenconnectClient client(TestInfo test) {
        return fixture.client(test.getTestMethod().orElseThrow().getName());
    }
}
