package io.github.tunnelgw.core.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tunnelgw.core.idp.EntraClaims;
import io.github.tunnelgw.core.idp.MockOidcProvider;
import io.github.tunnelgw.core.idp.TestAuthority;
import io.github.tunnelgw.core.tls.SelfSignedCertificate;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
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
 * The real openconnect 9.01 client logging in with Entra ID v2 access tokens. The identity provider is
 * {@link MockOidcProvider} running inside the gateway's namespace on 127.0.0.1 with its own self-signed
 * certificate, which the gateway trusts only through {@code trustedCaFile}; the gateway discovers it, fetches its
 * keys and validates tokens shaped like Entra's (claim names and values as Entra issues them for the Microsoft
 * Tunnel Gateway resource). A token from a tenant that is not allowed is refused.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class EntraTokenLoginIT {
    /** The tenant the gateway accepts. */
    private static final String TENANT = "6e3f1a92-4b7c-4d85-9a10-2c8e5b7d3f41";
    /** Another Entra tenant: same Entra signing keys (Entra shares them across tenants), but not allowed. */
    private static final String FOREIGN_TENANT = "d1c0ffee-0b5e-4e6d-8a7f-3b2c1d0e9f88";
    private static final int PROVIDER_PORT = 8443;
    private static final Duration TOKEN_TTL = Duration.ofMinutes(10);
    private static final Duration SETTLE = Duration.ofSeconds(15);
    private static final String LOGIN_FAILED = "Failed to complete authentication";
    private static final String AUTH_SUCCESSES = "gateway_auth_successes_total";

    private static GatewayFixture fixture;
    private static TestAuthority entra;

    @BeforeAll
    static void startGatewayAndProvider() {
        fixture = GatewayFixture.start("EntraTokenLoginIT", EntraTokenLoginIT::startProvider);
        Poll.until("the gateway to load the Entra signing keys", Duration.ofSeconds(60),
                () -> fixture.gateway().log().contains("signing key(s) loaded"));
    }

    /** Starts the provider in the gateway's namespace and returns the gateway's {@code auth} section. */
    private static String startProvider(Path directory, Topology topology, List<AutoCloseable> cleanup) throws Exception {
        Path tls = directory.resolve("idp-tls");
        SelfSignedCertificate.loadOrCreate(tls, List.of());
        Path documents = Files.createDirectories(directory.resolve("idp-documents"));
        URI base = URI.create("https://127.0.0.1:" + PROVIDER_PORT);
        entra = TestAuthority.entra(documents, base, TENANT);
        // the foreign tenant's documents exist too, as they do at login.microsoftonline.com
        TestAuthority.entra(documents, base, FOREIGN_TENANT);

        Path certificate = tls.resolve(SelfSignedCertificate.CERTIFICATE_FILE);
        BackgroundProcess provider = BackgroundProcess.start("mock OIDC provider in " + topology.gateway(),
                topology.gateway().command(TestClasses.javaCommand(MockOidcProvider.class, "127.0.0.1",
                        Integer.toString(PROVIDER_PORT), certificate.toString(),
                        tls.resolve(SelfSignedCertificate.KEY_FILE).toString(), documents.toString())),
                directory.resolve("idp.log"), Map.of(), null);
        cleanup.add(provider);
        Poll.until("the mock OIDC provider to listen", Duration.ofSeconds(30), () -> {
            if (!provider.isAlive()) {
                throw new HarnessException("the mock OIDC provider exited: " + provider.log());
            }
            return provider.log().contains("listening " + PROVIDER_PORT);
        });
        // the development issuer stays on: the fixture mints a token with it to see the gateway is ready
        return "auth:\n  issuers:\n" + TestAuthority.entraV2IssuerEntry(base, TENANT, certificate, "none");
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    @Order(1)
    void entraTokenLogsInAndCarriesTraffic(TestInfo test) {
        String token = entra.sign(EntraClaims.v2(TENANT, "alice@contoso.com", TOKEN_TTL)
                .claim("upn", "alice@contoso.com").build());
        try (OpenconnectRun run = client(test).connect("entra-v2", ClientLogin.token(token))) {
            ScriptRecord connect = run.awaitTunnelUp();
            assertThat(connect.get("INTERNAL_IP4_ADDRESS")).startsWith(GatewayConfigFile.CLIENT_NETWORK_PREFIX);
            Ping.Result ping = Ping.from(fixture.topology().client(), fixture.topology().internalHostAddress(), 3);
            assertThat(ping.received()).as("ping through the tunnel:\n%s", ping.output()).isGreaterThanOrEqualTo(2);
            assertThat(fixture.gateway().log()).contains("login of alice@contoso.com");
            assertThat(fixture.gateway().log()).doesNotContain(token.substring(token.lastIndexOf('.') + 1));
            assertThat(run.interrupt()).as(run.diagnostics()).isZero();
        }
        assertNoSessions();
    }

    @Test
    @Order(2)
    void tokensOfATenantThatIsNotAllowedAreRefused(TestInfo test) {
        Map<String, String> tokensByReason = new LinkedHashMap<>();
        // a genuine token of another tenant: its iss names that tenant, which no configured issuer accepts
        tokensByReason.put("wrong_issuer", entra.sign(EntraClaims.v2(FOREIGN_TENANT, "mallory@fabrikam.com", TOKEN_TTL).build()));
        // our tenant's issuer with another tenant's tid
        tokensByReason.put("tenant_not_allowed", entra.sign(EntraClaims.v2(TENANT, "mallory@fabrikam.com", TOKEN_TTL)
                .claim("tid", FOREIGN_TENANT).build()));
        OpenconnectClient client = client(test);
        for (Map.Entry<String, String> entry : tokensByReason.entrySet()) {
            String reason = entry.getKey();
            double before = fixture.metrics().scrape().valueOrZero(MetricsScraper.AUTH_FAILURES, Map.of("reason", reason));
            try (OpenconnectRun run = client.connect(reason, ClientLogin.token(entry.getValue()))) {
                int status = run.awaitExit(Duration.ofSeconds(60));
                assertThat(status).as("exit status with a %s token\n%s", reason, run.diagnostics()).isNotZero();
                assertThat(run.output()).as(run.diagnostics()).contains(LOGIN_FAILED);
                assertThat(run.records()).extracting(ScriptRecord::reason).doesNotContain("connect");
            }
            double after = fixture.metrics().scrape().valueOrZero(MetricsScraper.AUTH_FAILURES, Map.of("reason", reason));
            assertThat(after).as("%s{reason=\"%s\"}", MetricsScraper.AUTH_FAILURES, reason).isGreaterThan(before);
            assertThat(fixture.gateway().log()).as("the token never reaches the log").doesNotContain(entry.getValue().split("\\.")[2]);
        }
        assertNoSessions();
    }

    @Test
    @Order(3)
    void validTokenInAFileEndingInANewlineIsRefused(TestInfo test) {
        String token = entra.sign(EntraClaims.v2(TENANT, "newline@contoso.com", TOKEN_TTL).build());
        double before = fixture.metrics().scrape().valueOrZero(AUTH_SUCCESSES, Map.of());
        Map<String, String> badRequest = Map.of("reason", "bad_request");
        double refusedBefore = fixture.metrics().scrape().valueOrZero(MetricsScraper.AUTH_FAILURES, badRequest);
        try (OpenconnectRun run = client(test).connect("token-file-newline", ClientLogin.tokenFileEndingInNewline(token))) {
            int status = run.awaitExit(Duration.ofSeconds(60));
            assertThat(status).as("exit status\n%s", run.diagnostics()).isNotZero();
            assertThat(run.output()).as(run.diagnostics()).contains(LOGIN_FAILED);
            assertThat(run.records()).extracting(ScriptRecord::reason).doesNotContain("connect");
        }
        assertThat(fixture.metrics().scrape().valueOrZero(AUTH_SUCCESSES, Map.of())).isEqualTo(before);
        assertThat(fixture.metrics().scrape().valueOrZero(MetricsScraper.AUTH_FAILURES, badRequest)).isGreaterThan(refusedBefore);
        assertThat(fixture.gateway().log()).doesNotContain("login of newline@contoso.com");
        assertThat(fixture.gateway().log()).as("the token never reaches the log").doesNotContain(token.split("\\.")[2]);
        assertNoSessions();
    }

    private static void assertNoSessions() {
        PrometheusSamples samples = fixture.metrics().awaitSessionsAndLeases(0, 0, SETTLE);
        assertThat(samples.value(MetricsScraper.SESSIONS_ACTIVE)).isZero();
        assertThat(samples.value(MetricsScraper.LEASES_IN_USE)).isZero();
    }

    private static OpenconnectClient client(TestInfo test) {
        return fixture.client(test.getTestMethod().orElseThrow().getName());
    }
}
