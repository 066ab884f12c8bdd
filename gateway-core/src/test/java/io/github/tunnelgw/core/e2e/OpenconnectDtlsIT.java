package io.github.tunnelgw.core.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * MTU is the DTLS-computed one (MTU probes echoed), the bulk of a transfer crosses DTLS, {@code --no-dtls} carries
 * a 10 MiB transfer over TLS alone, and {@code disableUdpConnections: true} offers no DTLS at all. Under
 * disturbance: junk, unknown sessions and a replayed ClientHello sent to the DTLS port during a transfer are dropped
 * and counted without touching the live channel, and UDP blocked in the middle of a transfer moves it to CSTP until
 * DTLS comes back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class OpenconnectDtlsIT {
    private static final long TRANSFER_BYTES = 50L * 1024 * 1024;
    /** The transfer the TLS/CSTP channel must carry on its own with {@code --no-dtls}: at least 10 MiB. */
    private static final long TLS_TRANSFER_BYTES = 10L * 1024 * 1024;
    private static final String COALESCED_SEGMENTS = "gateway_uplink_coalesced_segments_total";
    private static final String SEGMENTED_SENDS = "gateway_dtls_segmented_sends_total";
    private static final int SINK_PORT = 5002;
    private static final Duration TOKEN_TTL = Duration.ofMinutes(10);
    private static final Duration METRICS_SETTLE = Duration.ofSeconds(15);
    private static final String DTLS_BYTES = "gateway_dtls_bytes_total";
    private static final String DTLS_HANDSHAKES = "gateway_dtls_handshakes_total";
    private static final String DTLS_DROPPED = "gateway_dtls_dropped_datagrams_total";
    private static final String DTLS_HELLO_VERIFY_REQUESTS = "gateway_dtls_hello_verify_requests_total";
    private static final String CSTP_BYTES = "gateway_cstp_bytes_total";
    private static final String DTLS_ESTABLISHED = "Established DTLS connection";
    private static final String REPLACED_CHANNEL = "replaces the channel";
    /** Transfers that are disturbed while they run: paced, so that they last long enough (≈10 s undisturbed). */
    private static final long PACED_TRANSFER_BYTES = 40L * 1024 * 1024;
    private static final long PACED_BYTES_PER_SECOND = 4L * 1024 * 1024;
    /** How far a paced transfer has gone over DTLS before the test disturbs it. */
    private static final long DISTURB_AFTER_BYTES = 4L * 1024 * 1024;
    private static final Duration TRANSFER_TIMEOUT = Duration.ofMinutes(4);
    /** DPD of the fixture whose UDP gets blocked: openconnect declares DTLS dead after 2×dpd of silence. */
    private static final String SHORT_DPD_TIMEOUTS =
            "timeouts: { cookie: 300s, dpd: 10s, idle: 1200s, session: 24h }\n";
    /** openconnect retries DTLS every 60 s after a failed attempt (reference §5.5); with margin for a loaded host. */
    private static final Duration DTLS_RETRY_TIMEOUT = Duration.ofSeconds(150);
    private static final int GARBAGE_DATAGRAMS = 20;
    private static final int UNKNOWN_SESSION_HELLOS = 2;
    private static final int REPLAYED_HELLOS = 3;
    /** Record header 13 + handshake header 12 + client_version 2 + random 32: the session id's length byte. */
    private static final int HELLO_SESSION_ID_LENGTH = 59;
    private static final SecureRandom RANDOM = new SecureRandom();
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
    void dtlsCarriesTheBulkOfTransfersBothWaysWithTheComputedMtuAndOffloads(TestInfo test) {
        String token = fixture.issuer().mint("dtls-alice", TOKEN_TTL);
        try (OpenconnectRun run = client(test).connect("dtls", ClientLogin.token(token))) {
            ScriptRecord connect = run.awaitTunnelUp();

            assertThat(run.dtlsEstablished()).as(run.diagnostics()).isTrue();
            assertThat(run.output()).contains("(DTLS1.2)-(PSK)-(AES-256-GCM)");
            assertThat(fixture.gateway().log()).as("dtls.recordCrypto auto, with GnuTLS installed")
                    .contains("records sealed and opened with GnuTLS 3.");
            assertThat(fixture.gateway().log()).as("the gateway's own receive path carried this test's datagrams")
                    .contains("datagrams read by recvmmsg through the foreign function API");
            assertThat(Integer.parseInt(connect.get("INTERNAL_IP4_MTU")))
                    .as("tunnel MTU: the MTU probe was echoed, so the client kept the computed value")
                    .isEqualTo(DTLS_TUNNEL_MTU);

            PrometheusSamples beforeUpload = fixture.metrics().scrape();
            assertThat(beforeUpload.sum(DTLS_HELLO_VERIFY_REQUESTS))
                    .as("openconnect's hello came from the address it logged in from: no cookie round trip")
                    .isZero();
            TransferResult transfer = TcpTransfer.run(fixture.topology(), directory(test), SINK_PORT, TRANSFER_BYTES);
            assertThat(transfer.receivedSha256()).isEqualTo(transfer.sentSha256());
            PrometheusSamples afterUpload = fixture.metrics().scrape();
            double overDtls = dtlsBytes(afterUpload, "up") - dtlsBytes(beforeUpload, "up");
            double coalesced = afterUpload.valueOrZero(COALESCED_SEGMENTS, Map.of())
                    - beforeUpload.valueOrZero(COALESCED_SEGMENTS, Map.of());
            System.out.printf("[e2e] upload: %d bytes in %d ms (%.0f Mbit/s); %.0f bytes of IP packets crossed DTLS,"
                    + " %.0f segments went to the tun inside super-packets%n", transfer.receivedBytes(),
                    transfer.elapsed().toMillis(), transfer.megabitsPerSecond(), overDtls, coalesced);
            assertThat(overDtls).as("uplink bytes over DTLS during a %d-byte upload", TRANSFER_BYTES)
                    .isGreaterThan(0.8 * TRANSFER_BYTES);
            assertThat(dtlsBytes(afterUpload, "down")).as("TCP acknowledgements came back over DTLS").isPositive();
            assertThat(coalesced).as("receive offload: uplink segments merged into super-packets").isPositive();

            TransferResult download = TcpTransfer.download(fixture.topology(), directory(test), SINK_PORT + 10,
                    TRANSFER_BYTES);
            assertThat(download.receivedSha256()).as("the download arrived intact").isEqualTo(download.sentSha256());
            assertThat(download.receivedBytes()).isEqualTo(TRANSFER_BYTES);
            PrometheusSamples afterDownload = fixture.metrics().scrape();
            double downOverDtls = dtlsBytes(afterDownload, "down") - dtlsBytes(afterUpload, "down");
            double segmentedSends = afterDownload.valueOrZero(SEGMENTED_SENDS, Map.of())
                    - afterUpload.valueOrZero(SEGMENTED_SENDS, Map.of());
            System.out.printf("[e2e] download: %d bytes in %d ms (%.0f Mbit/s); %.0f bytes crossed DTLS; %.0f sends"
                    + " carried several datagrams each%n", download.receivedBytes(), download.elapsed().toMillis(),
                    download.megabitsPerSecond(), downOverDtls, segmentedSends);
            assertThat(downOverDtls).as("downlink bytes over DTLS during a %d-byte download", TRANSFER_BYTES)
                    .isGreaterThan(0.8 * TRANSFER_BYTES);
            assertThat(segmentedSends).as("runs of equal records left in UDP_SEGMENT sends").isPositive();

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
            PrometheusSamples before = fixture.metrics().scrape();
            TransferResult transfer = TcpTransfer.run(fixture.topology(), directory(test), SINK_PORT, TLS_TRANSFER_BYTES);
            assertThat(transfer.receivedBytes()).isEqualTo(TLS_TRANSFER_BYTES);
            assertThat(transfer.receivedSha256()).as("the upload arrived intact").isEqualTo(transfer.sentSha256());
            PrometheusSamples after = fixture.metrics().scrape();
            double overCstp = cstpBytes(after, "up") - cstpBytes(before, "up");
            System.out.printf("[e2e] no DTLS: %d bytes in %d ms (%.0f Mbit/s); %.0f bytes of IP packets crossed CSTP%n",
                    transfer.receivedBytes(), transfer.elapsed().toMillis(), transfer.megabitsPerSecond(), overCstp);
            // the counter sees whole IP packets, so all of the payload plus its headers
            assertThat(overCstp).as("uplink bytes over CSTP during a %d-byte upload", TLS_TRANSFER_BYTES)
                    .isGreaterThan((double) TLS_TRANSFER_BYTES);
            assertThat(cstpBytes(after, "down")).as("TCP acknowledgements came back over CSTP")
                    .isGreaterThan(cstpBytes(before, "down"));
            assertThat(dtlsBytes(after, "up")).as("nothing crossed DTLS uplink").isEqualTo(dtlsBytes(before, "up"));
            assertThat(dtlsBytes(after, "down")).as("nothing crossed DTLS downlink").isEqualTo(dtlsBytes(before, "down"));
            assertThat(handshakes(after)).isEqualTo(handshakesBefore);
            assertThat(run.interrupt()).as(run.diagnostics()).isZero();
        }
        fixture.metrics().awaitSessionsAndLeases(0, 0, METRICS_SETTLE);
    }

    /** The fallback engine, for hosts without GnuTLS: the same records, both ways, with openconnect's GnuTLS. */
    @Test
    @Order(3)
    void theJdkRecordCipherCarriesTransfersBothWays(TestInfo test) {
        try (GatewayFixture jdk = GatewayFixture.start("OpenconnectDtlsIT-jdk-records",
                (directory, topology, cleanup) -> "dtls: { recordCrypto: jdk }\n")) {
            assertThat(jdk.gateway().log()).contains("records sealed and opened with the JDK's AES-GCM");
            String token = jdk.issuer().mint("dtls-dave", TOKEN_TTL);
            OpenconnectClient client = jdk.client(test.getTestMethod().orElseThrow().getName());
            try (OpenconnectRun run = client.connect("jdk-records", ClientLogin.token(token))) {
                run.awaitTunnelUp();
                assertThat(run.dtlsEstablished()).as(run.diagnostics()).isTrue();
                PrometheusSamples before = jdk.metrics().scrape();
                TransferResult upload = TcpTransfer.run(jdk.topology(), directory(test), SINK_PORT + 20,
                        TLS_TRANSFER_BYTES);
                TransferResult download = TcpTransfer.download(jdk.topology(), directory(test), SINK_PORT + 30,
                        TLS_TRANSFER_BYTES);
                PrometheusSamples after = jdk.metrics().scrape();
                assertThat(upload.receivedSha256()).isEqualTo(upload.sentSha256());
                assertThat(download.receivedSha256()).isEqualTo(download.sentSha256());
                assertThat(download.receivedBytes()).isEqualTo(TLS_TRANSFER_BYTES);
                assertThat(dtlsBytes(after, "up") - dtlsBytes(before, "up")).isGreaterThan(0.8 * TLS_TRANSFER_BYTES);
                assertThat(dtlsBytes(after, "down") - dtlsBytes(before, "down"))
                        .isGreaterThan(0.8 * TLS_TRANSFER_BYTES);
                assertThat(run.interrupt()).as(run.diagnostics()).isZero();
            }
        }
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

    @Test
    @Order(4)
    void junkUnknownSessionsAndAReplayedHelloDuringATransferAreDroppedAndCounted(TestInfo test) throws Exception {
        Topology topology = fixture.topology();
        Path directory = directory(test);
        String token = fixture.issuer().mint("dtls-dave", TOKEN_TTL);
        try (PacketCapture capture = PacketCapture.start(topology.client(), Topology.CLIENT_INTERFACE,
                "udp and dst host " + topology.gatewayOuterAddress(), directory);
             OpenconnectRun run = client(test).connect("junk", ClientLogin.token(token))) {
            run.awaitTunnelUp();
            assertThat(run.dtlsEstablished()).as(run.diagnostics()).isTrue();
            int dtlsPort = dtlsPort(run);
            byte[] hello = Poll.untilPresent("openconnect's ClientHello in " + directory, Duration.ofSeconds(20),
                    () -> lastClientHello(capture.datagrams(), dtlsPort));
            capture.stop();
            assertThat(hello[HELLO_SESSION_ID_LENGTH]).as("a 32-byte session id (the App-ID) at the usual place")
                    .isEqualTo((byte) 32);

            PrometheusSamples before = fixture.metrics().scrape();
            int replacedBefore = occurrences(fixture.gateway().log(), REPLACED_CHANNEL);
            TransferResult result;
            try (TcpTransfer.Running transfer = TcpTransfer.start(topology, directory, SINK_PORT,
                    PACED_TRANSFER_BYTES, PACED_BYTES_PER_SECOND)) {
                awaitDtlsUplink(fixture, before, transfer);
                List<byte[]> junk = new ArrayList<>(garbage());
                for (int i = 0; i < UNKNOWN_SESSION_HELLOS; i++) {
                    junk.add(withRandomSessionId(hello));
                }
                for (int i = 0; i < REPLAYED_HELLOS; i++) {
                    junk.add(hello);
                }
                UdpSender.send(topology.client(), directory, "junk", topology.gatewayOuterAddress(), dtlsPort, junk);
                result = transfer.await(TRANSFER_TIMEOUT);
            }
            assertThat(result.receivedSha256()).isEqualTo(result.sentSha256());
            PrometheusSamples after = fixture.metrics().awaitUntil(METRICS_SETTLE,
                    s -> droppedSince(before, s, "garbage") >= GARBAGE_DATAGRAMS
                            && droppedSince(before, s, "unknown_session") >= UNKNOWN_SESSION_HELLOS
                            && droppedSince(before, s, "replayed_hello") >= REPLAYED_HELLOS);
            double overDtls = dtlsBytes(after, "up") - dtlsBytes(before, "up");
            System.out.printf("[e2e] junk: %d bytes in %d ms; %.0f bytes crossed DTLS%n", result.receivedBytes(),
                    result.elapsed().toMillis(), overDtls);
            assertThat(overDtls).as("uplink bytes over DTLS during the disturbed upload")
                    .isGreaterThan(0.8 * PACED_TRANSFER_BYTES);
            assertThat(droppedSince(before, after, "garbage")).isEqualTo(GARBAGE_DATAGRAMS);
            assertThat(droppedSince(before, after, "unknown_session")).isEqualTo(UNKNOWN_SESSION_HELLOS);
            assertThat(droppedSince(before, after, "replayed_hello")).isEqualTo(REPLAYED_HELLOS);
            assertThat(droppedSince(before, after, "undecryptable")).as("nothing reached the live channel's record layer")
                    .isZero();
            assertThat(handshakes(after)).as("the replay started no handshake").isEqualTo(handshakes(before));
            assertThat(after.sum(DTLS_HELLO_VERIFY_REQUESTS)).as("no hello got as far as the cookie check")
                    .isEqualTo(before.sum(DTLS_HELLO_VERIFY_REQUESTS));
            assertThat(occurrences(fixture.gateway().log(), REPLACED_CHANNEL)).as("the live channel was not replaced")
                    .isEqualTo(replacedBefore);
            assertThat(occurrences(run.output(), DTLS_ESTABLISHED)).as(run.diagnostics()).isEqualTo(1);
            assertThat(run.records()).extracting(ScriptRecord::reason).as("no reconnect")
                    .containsExactly("pre-init", "connect");
            assertThat(run.interrupt()).as(run.diagnostics()).isZero();
        }
        fixture.metrics().awaitSessionsAndLeases(0, 0, METRICS_SETTLE);
    }

    @Test
    @Order(5)
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void udpBlockedMidTransferMovesItToCstpAndDtlsComesBackAfterwards(TestInfo test) throws Exception {
        try (GatewayFixture shortDpd = GatewayFixture.start("OpenconnectDtlsIT-short-dpd",
                (directory, topology, cleanup) -> SHORT_DPD_TIMEOUTS)) {
            Topology topology = shortDpd.topology();
            Path directory = E2eOutput.subdirectory(shortDpd.directory(), test.getTestMethod().orElseThrow().getName());
            String token = shortDpd.issuer().mint("dtls-erin", TOKEN_TTL);
            OpenconnectClient client = shortDpd.client(test.getTestMethod().orElseThrow().getName());
            try (OpenconnectRun run = client.connect("udp-blocked", ClientLogin.token(token))) {
                run.awaitTunnelUp();
                assertThat(run.dtlsEstablished()).as(run.diagnostics()).isTrue();
                int dtlsPort = dtlsPort(run);

                PrometheusSamples before = shortDpd.metrics().scrape();
                PrometheusSamples blocked;
                PrometheusSamples afterTransfer;
                TransferResult result;
                String table = "e2e_udp_block_" + topology.runId().replace('-', '_');
                try (TcpTransfer.Running transfer = TcpTransfer.start(topology, directory, SINK_PORT,
                        PACED_TRANSFER_BYTES, PACED_BYTES_PER_SECOND)) {
                    awaitDtlsUplink(shortDpd, before, transfer);
                    try (UdpBlock block = UdpBlock.insert(topology.client(), Topology.CLIENT_INTERFACE, table,
                            topology.gatewayOuterAddress(), dtlsPort)) {
                        Thread.sleep(2000); // what was in flight before the block has been processed
                        blocked = shortDpd.metrics().scrape();
                        assertThat(transfer.isDone()).as("the transfer still runs when UDP is blocked").isFalse();
                        result = transfer.await(TRANSFER_TIMEOUT);
                        afterTransfer = shortDpd.metrics().scrape();
                        System.out.printf("[e2e] UDP blocked: %d bytes in %d ms%n%s", result.receivedBytes(),
                                result.elapsed().toMillis(), block.listing());
                    }
                }
                assertThat(result.receivedSha256()).isEqualTo(result.sentSha256());
                assertThat(run.output()).as("openconnect's DTLS DPD noticed")
                        .contains("DTLS Dead Peer Detection detected dead peer");
                assertThat(dtlsBytes(afterTransfer, "up")).as("nothing crosses DTLS while UDP is blocked")
                        .isEqualTo(dtlsBytes(blocked, "up"));
                double beforeBlock = dtlsBytes(blocked, "up") - dtlsBytes(before, "up")
                        + cstpBytes(blocked, "up") - cstpBytes(before, "up");
                double overCstp = cstpBytes(afterTransfer, "up") - cstpBytes(blocked, "up");
                System.out.printf("[e2e] %.0f bytes of IP packets before the block, %.0f over CSTP during it%n",
                        beforeBlock, overCstp);
                assertThat(beforeBlock).as("the block came in the middle of the transfer")
                        .isLessThan(0.5 * PACED_TRANSFER_BYTES);
                assertThat(overCstp).as("the rest of the upload crossed CSTP during the block")
                        .isGreaterThanOrEqualTo(PACED_TRANSFER_BYTES - beforeBlock);
                assertThat(cstpBytes(afterTransfer, "down")).as("acknowledgements came back over CSTP")
                        .isGreaterThan(cstpBytes(blocked, "down"));

                Poll.until("a new DTLS connection after the block (" + run.pid() + ")", DTLS_RETRY_TIMEOUT,
                        () -> occurrences(run.output(), DTLS_ESTABLISHED) >= 2 || !run.isAlive());
                assertThat(occurrences(run.output(), DTLS_ESTABLISHED)).as(run.diagnostics())
                        .isGreaterThanOrEqualTo(2);
                PrometheusSamples reestablished = shortDpd.metrics().awaitUntil(METRICS_SETTLE,
                        s -> handshakes(s) > handshakes(afterTransfer));
                assertThat(handshakes(reestablished)).isGreaterThan(handshakes(afterTransfer));

                long bytes = 20L * 1024 * 1024;
                TransferResult again = TcpTransfer.run(topology, E2eOutput.subdirectory(directory, "again"), SINK_PORT,
                        bytes);
                assertThat(again.receivedSha256()).isEqualTo(again.sentSha256());
                PrometheusSamples end = shortDpd.metrics().scrape();
                assertThat(dtlsBytes(end, "up") - dtlsBytes(reestablished, "up")).as("the next upload is back on DTLS")
                        .isGreaterThan(0.8 * bytes);
                assertThat(run.records()).extracting(ScriptRecord::reason).as("the tunnel itself never went down")
                        .containsExactly("pre-init", "connect");
                assertThat(run.interrupt()).as(run.diagnostics()).isZero();
            }
        }
    }

    private static double dtlsBytes(String direction) {
        return dtlsBytes(fixture.metrics().scrape(), direction);
    }

    private static double handshakes() {
        return handshakes(fixture.metrics().scrape());
    }

    /** Waits until the running transfer has sent {@link #DISTURB_AFTER_BYTES} over DTLS, and is not yet done. */
    private static void awaitDtlsUplink(GatewayFixture gateway, PrometheusSamples before,
                                        TcpTransfer.Running transfer) {
        double start = dtlsBytes(before, "up");
        Poll.until("the transfer to send " + DISTURB_AFTER_BYTES + " bytes over DTLS", Duration.ofSeconds(60), () -> {
            if (transfer.isDone()) {
                throw new AssertionError("the transfer ended before it could be disturbed: " + transfer);
            }
            return dtlsBytes(gateway.metrics().scrape(), "up") - start >= DISTURB_AFTER_BYTES;
        });
    }

    /** The port openconnect was told to use for DTLS (it logs the CONNECT response's headers with -v). */
    private static int dtlsPort(OpenconnectRun run) {
        Matcher port = Pattern.compile("X-DTLS-Port: (\\d+)").matcher(run.output());
        assertThat(port.find()).as("X-DTLS-Port in openconnect's output\n" + run.diagnostics()).isTrue();
        return Integer.parseInt(port.group(1));
    }

    /** The last DTLS ClientHello (handshake record, epoch 0, type 1) captured on its way to the DTLS port. */
    private static Optional<byte[]> lastClientHello(List<PacketCapture.UdpDatagram> captured, int dtlsPort) {
        return captured.stream().filter(d -> d.destinationPort() == dtlsPort).map(PacketCapture.UdpDatagram::payload)
                .filter(p -> p.length > HELLO_SESSION_ID_LENGTH && p[0] == 22 && p[3] == 0 && p[4] == 0 && p[13] == 1)
                .reduce((first, second) -> second);
    }

    private static byte[] withRandomSessionId(byte[] hello) {
        byte[] other = hello.clone();
        byte[] id = new byte[32];
        RANDOM.nextBytes(id);
        System.arraycopy(id, 0, other, HELLO_SESSION_ID_LENGTH + 1, id.length);
        return other;
    }

    /** Datagrams no DTLS peer sends: too short for a record header, or with a content type that is not DTLS's. */
    private static List<byte[]> garbage() {
        List<byte[]> datagrams = new ArrayList<>();
        for (int i = 0; i < GARBAGE_DATAGRAMS; i++) {
            byte[] datagram = new byte[i % 2 == 0 ? 1 + RANDOM.nextInt(12) : 13 + RANDOM.nextInt(400)];
            RANDOM.nextBytes(datagram);
            datagram[0] = (byte) (0x80 | datagram[0]); // content types 20..23 are below 0x80
            datagrams.add(datagram);
        }
        return datagrams;
    }

    private static double droppedSince(PrometheusSamples before, PrometheusSamples after, String reason) {
        Map<String, String> labels = Map.of("reason", reason);
        return after.valueOrZero(DTLS_DROPPED, labels) - before.valueOrZero(DTLS_DROPPED, labels);
    }

    private static double dtlsBytes(PrometheusSamples samples, String direction) {
        return samples.valueOrZero(DTLS_BYTES, Map.of("direction", direction));
    }

    private static double cstpBytes(PrometheusSamples samples, String direction) {
        return samples.valueOrZero(CSTP_BYTES, Map.of("direction", direction));
    }

    private static double handshakes(PrometheusSamples samples) {
        return samples.valueOrZero(DTLS_HANDSHAKES, Map.of("outcome", "completed"));
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
            count++;
        }
        return count;
    }

    private static Path directory(TestInfo test) {
        return E2eOutput.subdirectory(fixture.directory(), test.getTestMethod().orElseThrow().getName());
    }

    private static OpenconnectClient client(TestInfo test) {
        return fixture.client(test.getTestMethod().orElseThrow().getName());
    }
}
