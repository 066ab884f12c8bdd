package io.github.tunnelgw.core.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tunnelgw.auth.DevelopmentIssuer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
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
 * The real openconnect 9.01 client against the gateway, in three namespaces: bearer-token login, traffic through
 * the tunnel and the gateway's address translation, what the client is told (address, DNS, routes, MTU), refusal
 * of bad tokens, reconnect after the client's TCP connection is cut, and the cookie dying with the BYE. One
 * topology and gateway for the class; each test runs its own clients and leaves no session behind.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class OpenconnectTokenLoginIT {
    private static final long TRANSFER_BYTES = 10L * 1024 * 1024;
    private static final int SINK_PORT = 5001;
    private static final Duration TOKEN_TTL = Duration.ofMinutes(10);
    private static final Duration METRICS_SETTLE = Duration.ofSeconds(15);
    /** openconnect's exit status when the gateway refuses the cookie (reference §9.5). */
    private static final int EXIT_COOKIE_REJECTED = 2;
    /** What openconnect prints when the login fails, whatever the server's reason. */
    private static final String LOGIN_FAILED = "Failed to complete authentication";

    private static GatewayFixture fixture;

    @BeforeAll
    static void startGateway() {
        fixture = GatewayFixture.start("OpenconnectTokenLoginIT");
    }

    @AfterAll
    static void stopGateway() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    @Order(1)
    void badTokensAreRefusedAndLeaveNoSessionOrLease(TestInfo test) {
        DevelopmentIssuer issuer = fixture.issuer();
        Instant now = Instant.now();
        String expired = issuer.mint(issuer.standardClaims("e2e-expired", Duration.ofMinutes(5))
                .issueTime(Date.from(now.minus(Duration.ofHours(2))))
                .notBeforeTime(Date.from(now.minus(Duration.ofHours(2))))
                .expirationTime(Date.from(now.minus(Duration.ofHours(1))))
                .build());
        String wrongAudience = issuer.mint(issuer.standardClaims("e2e-wrong-audience", TOKEN_TTL)
                .audience("00000000-0000-4000-8000-000000000000")
                .build());
        // reason label of gateway_auth_failures_total -> the token that must earn it
        Map<String, String> tokensByReason = Map.of(
                "expired", expired,
                "wrong_audience", wrongAudience,
                "malformed", "this-is-not-a-token");
        OpenconnectClient client = client(test);

        for (Map.Entry<String, String> badToken : tokensByReason.entrySet()) {
            String reason = badToken.getKey();
            double failuresBefore = fixture.metrics().scrape().valueOrZero(MetricsScraper.AUTH_FAILURES, Map.of("reason", reason));
            try (OpenconnectRun run = client.connect(reason, ClientLogin.token(badToken.getValue()))) {
                int status = run.awaitExit(Duration.ofSeconds(60));

                assertThat(status).as("exit status with a %s token\n%s", reason, run.diagnostics()).isNotZero();
                assertThat(run.output()).as(run.diagnostics()).contains(LOGIN_FAILED);
                assertThat(run.records()).extracting(ScriptRecord::reason).doesNotContain("connect");
            }
            double failuresAfter = fixture.metrics().scrape().valueOrZero(MetricsScraper.AUTH_FAILURES, Map.of("reason", reason));
            assertThat(failuresAfter).as("%s{reason=\"%s\"}", MetricsScraper.AUTH_FAILURES, reason)
                    .isGreaterThan(failuresBefore);
        }

        assertNoSessionsOrLeases();
    }

    @Test
    @Order(2)
    void tokenLoginCarriesTrafficToTheInternalHostUnderTheGatewaysAddress(TestInfo test) {
        Topology topology = fixture.topology();
        String token = fixture.cli().token("alice", TOKEN_TTL); // minted by `bin/gateway token`, as a user would
        try (OpenconnectRun run = client(test).connect("token-login", ClientLogin.token(token))) {
            ScriptRecord connect = run.awaitTunnelUp();
            Duration timeToTunnelUp = run.timeToTunnelUp();
            report(test, "time to tunnel up (openconnect start -> connect script done): %d ms",
                    timeToTunnelUp.toMillis());

            assertClientConfiguration(connect, topology);
            assertThat(topology.client().run(Tool.IP, "route", "get", topology.internalHostAddress()).stdout())
                    .as("the internal host must be routed into the tunnel")
                    .contains("dev " + connect.get("TUNDEV"));
            PrometheusSamples connected = fixture.metrics().awaitSessionsAndLeases(1, 1, METRICS_SETTLE);
            assertThat(connected.value(MetricsScraper.SESSIONS_ACTIVE)).isEqualTo(1);
            assertThat(connected.value(MetricsScraper.LEASES_IN_USE)).isEqualTo(1);

            assertPingsInternalHost(topology);
            Path transferDirectory = E2eOutput.subdirectory(fixture.directory(), test.getTestMethod().orElseThrow().getName());
            TransferResult transfer = TcpTransfer.run(topology, transferDirectory, SINK_PORT, TRANSFER_BYTES);
            assertThat(transfer.sentBytes()).isEqualTo(TRANSFER_BYTES);
            assertThat(transfer.receivedBytes()).isEqualTo(TRANSFER_BYTES);
            assertThat(transfer.receivedSha256()).isEqualTo(transfer.sentSha256());
            assertThat(transfer.peerSeenByReceiver())
                    .as("the internal host must see the gateway's internal address (PAT), not the client's lease")
                    .isEqualTo(topology.gatewayInnerAddress());
            report(test, "transfer: %d bytes in %d ms (%.0f Mbit/s) over %s", transfer.receivedBytes(),
                    transfer.elapsed().toMillis(), transfer.megabitsPerSecond(),
                    run.dtlsEstablished() ? "DTLS" : "CSTP on TLS (no DTLS)");
            assertThat(fixture.metrics().scrape().value(MetricsScraper.SPOOFED_DROPPED))
                    .as("the client sent only from its lease").isZero();

            assertThat(run.interrupt()).as("openconnect's status after SIGINT\n%s", run.diagnostics()).isZero();
        }
        assertNoSessionsOrLeases();
    }

    @Test
    @Order(3)
    void tokenLoginWithHttpAuthBearerWorks(TestInfo test) {
        Topology topology = fixture.topology();
        String token = fixture.issuer().mint("bob", TOKEN_TTL);
        try (OpenconnectRun run = client(test).connect("http-auth-bearer", ClientLogin.tokenWithHttpAuthBearer(token))) {
            ScriptRecord connect = run.awaitTunnelUp();
            report(test, "time to tunnel up with --http-auth=Bearer: %d ms", run.timeToTunnelUp().toMillis());

            assertThat(connect.get("INTERNAL_IP4_ADDRESS")).startsWith(GatewayConfigFile.CLIENT_NETWORK_PREFIX);
            assertPingsInternalHost(topology);
            assertThat(run.interrupt()).as(run.diagnostics()).isZero();
        }
        assertNoSessionsOrLeases();
    }

    @Test
    @Order(4)
    void reconnectAfterTheTcpConnectionIsCutKeepsTheAddressAndTheSession(TestInfo test) {
        Topology topology = fixture.topology();
        String token = fixture.issuer().mint("carol", TOKEN_TTL);
        try (OpenconnectRun run = client(test).connect("reconnect", ClientLogin.token(token))) {
            String address = run.awaitTunnelUp().get("INTERNAL_IP4_ADDRESS");
            assertPingsInternalHost(topology);

            Instant cutAt = Instant.now();
            int cut = ConnectionCutter.cut(topology.client(), topology.gatewayOuterAddress(), GatewayConfigFile.LISTEN_PORT);
            assertThat(cut).as("TCP connections to the gateway killed by ss -K").isPositive();

            ScriptRecord reconnect = run.awaitRecord("reconnect", 1, Duration.ofSeconds(90));
            List<String> reasons = run.records().stream().map(ScriptRecord::reason).toList();
            report(test, "reconnected %d ms after the cut; script reasons %s",
                    Duration.between(cutAt, reconnect.at()).toMillis(), reasons);
            assertThat(reasons).containsSubsequence("connect", "reconnect");
            if (reasons.contains("attempt-reconnect")) {
                assertThat(reasons).containsSubsequence("connect", "attempt-reconnect", "reconnect");
            }
            assertThat(reconnect.get("INTERNAL_IP4_ADDRESS")).as("address after reconnect").isEqualTo(address);
            assertThat(run.isAlive()).as(run.diagnostics()).isTrue();

            assertPingsInternalHost(topology);
            Path transferDirectory = E2eOutput.subdirectory(fixture.directory(), test.getTestMethod().orElseThrow().getName());
            TransferResult transfer = TcpTransfer.run(topology, transferDirectory, SINK_PORT, 1024 * 1024);
            assertThat(transfer.receivedSha256()).isEqualTo(transfer.sentSha256());
            assertThat(transfer.peerSeenByReceiver()).isEqualTo(topology.gatewayInnerAddress());

            PrometheusSamples afterReconnect = fixture.metrics().awaitSessionsAndLeases(1, 1, METRICS_SETTLE);
            assertThat(afterReconnect.value(MetricsScraper.SESSIONS_ACTIVE)).as("one session, not two").isEqualTo(1);
            assertThat(afterReconnect.value(MetricsScraper.LEASES_IN_USE)).isEqualTo(1);

            assertThat(run.interrupt()).as(run.diagnostics()).isZero();
        }
        assertNoSessionsOrLeases();
    }

    @Test
    @Order(5)
    void cookieIsRefusedAfterTheClientSaidBye(TestInfo test) {
        OpenconnectClient client = client(test);
        String token = fixture.issuer().mint("dave", TOKEN_TTL);
        String cookie = client.authenticate("authenticate", new ClientLogin.Token(token, false)).cookie();

        try (OpenconnectRun first = client.connect("cookie-connect", ClientLogin.cookie(cookie))) {
            first.awaitTunnelUp();
            assertPingsInternalHost(fixture.topology());
            assertThat(first.interrupt()).as("SIGINT makes openconnect send BYE and exit\n%s", first.diagnostics()).isZero();
        }
        assertNoSessionsOrLeases();

        try (OpenconnectRun reuse = client.connect("cookie-reuse-after-bye", ClientLogin.cookie(cookie))) {
            int status = reuse.awaitExit(Duration.ofSeconds(60));

            assertThat(status).as("openconnect's status when the cookie is refused\n%s", reuse.diagnostics())
                    .isEqualTo(EXIT_COOKIE_REJECTED);
            assertThat(reuse.records()).extracting(ScriptRecord::reason).doesNotContain("connect");
        }
        assertNoSessionsOrLeases();
    }

    @Test
    @Order(6)
    void probePageAnswersPlainGet() {
        CommandResult probe = fixture.topology().client().run(Tool.CURL, "-sk", "--max-time", "10",
                "-w", "\nstatus=%{http_code}", "https://" + fixture.topology().gatewayOuterAddress() + "/");

        assertThat(probe.succeeded()).as(probe.describe()).isTrue();
        assertThat(probe.stdout()).contains("status=200");
    }

    private static void assertClientConfiguration(ScriptRecord connect, Topology topology) {
        String address = connect.get("INTERNAL_IP4_ADDRESS");
        assertThat(address).startsWith(GatewayConfigFile.CLIENT_NETWORK_PREFIX);
        int host = Integer.parseInt(address.substring(GatewayConfigFile.CLIENT_NETWORK_PREFIX.length()));
        assertThat(host).as("a client host address, not the gateway's .1, network or broadcast").isBetween(2, 254);
        assertThat(connect.get("INTERNAL_IP4_NETMASK")).isEqualTo(GatewayConfigFile.CLIENT_NETMASK);
        assertThat(connect.get("INTERNAL_IP4_DNS")).isEqualTo(GatewayConfigFile.DNS_SERVER);
        assertThat(connect.get("CISCO_DEF_DOMAIN")).isEqualTo(GatewayConfigFile.DOMAIN);
        assertThat(connect.get("CISCO_SPLIT_DNS")).isEqualTo(GatewayConfigFile.DOMAIN);

        String[] include = topology.internalNetwork().split("/");
        assertThat(connect.get("CISCO_SPLIT_INC")).isEqualTo("1");
        assertThat(connect.get("CISCO_SPLIT_INC_0_ADDR")).isEqualTo(include[0]);
        assertThat(connect.get("CISCO_SPLIT_INC_0_MASKLEN")).isEqualTo(include[1]);
        String[] exclude = topology.excludedNetwork().split("/");
        assertThat(connect.get("CISCO_SPLIT_EXC")).isEqualTo("1");
        assertThat(connect.get("CISCO_SPLIT_EXC_0_ADDR")).isEqualTo(exclude[0]);
        assertThat(connect.get("CISCO_SPLIT_EXC_0_MASKLEN")).isEqualTo(exclude[1]);

        assertThat(Integer.parseInt(connect.get("INTERNAL_IP4_MTU"))).as("tunnel MTU").isBetween(1200, 1500);
        assertThat(connect.get("VPNGATEWAY")).isEqualTo(topology.gatewayOuterAddress());
    }

    private static void assertPingsInternalHost(Topology topology) {
        Ping.Result ping = Ping.from(topology.client(), topology.internalHostAddress(), 3);
        assertThat(ping.received()).as("ping through the tunnel:\n%s", ping.output()).isGreaterThanOrEqualTo(2);
    }

    private static void assertNoSessionsOrLeases() {
        PrometheusSamples samples = fixture.metrics().awaitSessionsAndLeases(0, 0, METRICS_SETTLE);
        assertThat(samples.value(MetricsScraper.SESSIONS_ACTIVE)).as(MetricsScraper.SESSIONS_ACTIVE).isZero();
        assertThat(samples.value(MetricsScraper.LEASES_IN_USE)).as(MetricsScraper.LEASES_IN_USE).isZero();
    }

    private static OpenconnectClient client(TestInfo test) {
        return fixture.client(test.getTestMethod().orElseThrow().getName());
    }

    /** Prints a measurement to the test output and appends it to target/e2e/OpenconnectTokenLoginIT/report.txt. */
    private static void report(TestInfo test, String format, Object... args) {
        String line = test.getTestMethod().orElseThrow().getName() + ": " + String.format(format, args);
        System.out.println("[e2e] " + line);
        try {
            Files.writeString(fixture.directory().resolve("report.txt"), line + "\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
