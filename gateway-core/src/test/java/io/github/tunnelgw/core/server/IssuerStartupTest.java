package io.github.tunnelgw.core.server;

import static io.github.tunnelgw.core.server.ControlChannelTest.INIT_BODY;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.github.tunnelgw.core.idp.ConnectProxy;
import io.github.tunnelgw.core.idp.EntraClaims;
import io.github.tunnelgw.core.idp.MockOidcProvider;
import io.github.tunnelgw.core.idp.TestAuthority;
import io.github.tunnelgw.core.tls.SelfSignedCertificate;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An identity provider that cannot be reached when the gateway starts: the gateway starts anyway, refuses its
 * tokens as issuer_unavailable, keeps retrying in the background, and accepts them once the provider answers.
 */
class IssuerStartupTest {
    static final String TENANT = "0b7c3e2a-9d4f-4a1b-8c6e-5f2d1a0e9b77";

    @TempDir
    Path state;
    @TempDir
    Path idp;

    @Test
    void gatewayStartsWithoutItsIssuerAndLogsInOnceTheIssuerIsBack() throws Exception {
        Path tls = idp.resolve("tls");
        SelfSignedCertificate.loadOrCreate(tls, List.of());
        Path documents = Files.createDirectories(idp.resolve("documents"));
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        URI base = URI.create("https://127.0.0.1:" + port);
        TestAuthority authority = TestAuthority.entra(documents, base, TENANT);

        // started before the gateway: the issuer's first discovery attempt is made (and logged) while it starts
        try (LogCapture logs = LogCapture.start();
             TestGateway gateway = TestGateway.withConfiguredIssuers(state,
                onlyEntraV2(base, TENANT, tls.resolve(SelfSignedCertificate.CERTIFICATE_FILE), "none"))) {
            String token = authority.sign(EntraClaims.v2(TENANT, "early@contoso.test", Duration.ofMinutes(30)).build());

            assertThat(attempt(gateway, token)).isEqualTo("HTTP/1.1 401 Authentication failed");
            assertThat(failures(gateway, "issuer_unavailable")).isEqualTo(1);
            assertThat(gateway.server.sessions().sessionCount()).isZero();
            assertThat(logs.matching(message -> message.contains("login refused (issuer_unavailable)"))).singleElement()
                    .extracting(ILoggingEvent::getFormattedMessage).asString()
                    .contains("the discovery document of entra-v2 " + TENANT + " has not been fetched yet");
            String discoveryFailed = "issuer entra-v2 " + TENANT + ": discovery from "
                    + TestAuthority.entraV2Discovery(base, TENANT) + " failed";
            assertThat(logs.await(event -> event.getLevel() == Level.WARN
                    && event.getFormattedMessage().startsWith(discoveryFailed), Duration.ofSeconds(10)))
                    .as("the operator is told the issuer is unreachable").get()
                    .extracting(ILoggingEvent::getFormattedMessage).asString()
                    .contains("its tokens are refused until it succeeds; retrying in 1 s");
            logs.assertNoTraceOf(token);

            try (MockOidcProvider provider = MockOidcProvider.start(new InetSocketAddress("127.0.0.1", port),
                    tls.resolve(SelfSignedCertificate.CERTIFICATE_FILE), tls.resolve(SelfSignedCertificate.KEY_FILE), documents)) {
                assertThat(gateway.tokens.awaitRemoteKeys(Duration.ofSeconds(40))).as("discovered after a retry").isTrue();
                assertThat(attempt(gateway, token)).isEqualTo("HTTP/1.1 200 OK");
                assertThat(gateway.server.sessions().sessionCount()).isEqualTo(1);
            }
        }
    }

    @Test
    void loginWhileDiscoveryIsStalledIsRefusedAtOnce() throws Exception {
        // Nobody accepts on this socket, but the kernel completes the TCP handshake for its backlog: discovery
        // connects and then waits for an answer that never comes (10 s read timeout in production).
        Path tls = idp.resolve("tls");
        SelfSignedCertificate.loadOrCreate(tls, List.of());
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            URI base = URI.create("https://127.0.0.1:" + silent.getLocalPort());
            TestAuthority authority = TestAuthority.entra(Files.createDirectories(idp.resolve("documents")), base, TENANT);
            try (TestGateway gateway = TestGateway.withConfiguredIssuers(state,
                    onlyEntraV2(base, TENANT, tls.resolve(SelfSignedCertificate.CERTIFICATE_FILE), "none"))) {
                String token = authority.sign(EntraClaims.v2(TENANT, "stalled@contoso.test", Duration.ofMinutes(30)).build());
                long start = System.nanoTime();
                assertThat(attempt(gateway, token)).isEqualTo("HTTP/1.1 401 Authentication failed");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the login did not wait for discovery")
                        .isLessThan(Duration.ofSeconds(5));
                assertThat(failures(gateway, "issuer_unavailable")).isEqualTo(1);
            }
        }
    }

    @Test
    void untrustedProviderCertificateIsNeverAccepted() throws Exception {
        // the provider's certificate is valid for 127.0.0.1 but not in trustedCaFile (another self-signed one is)
        Path tls = idp.resolve("tls");
        Path other = idp.resolve("other");
        SelfSignedCertificate.loadOrCreate(tls, List.of());
        SelfSignedCertificate.loadOrCreate(other, List.of());
        Path documents = Files.createDirectories(idp.resolve("documents"));
        try (MockOidcProvider provider = MockOidcProvider.start(new InetSocketAddress("127.0.0.1", 0),
                tls.resolve(SelfSignedCertificate.CERTIFICATE_FILE), tls.resolve(SelfSignedCertificate.KEY_FILE), documents)) {
            TestAuthority authority = TestAuthority.entra(documents, provider.baseUrl(), TENANT);
            try (TestGateway gateway = TestGateway.withConfiguredIssuers(state,
                onlyEntraV2(provider.baseUrl(), TENANT, other.resolve(SelfSignedCertificate.CERTIFICATE_FILE), "none"))) {
                assertThat(gateway.tokens.awaitRemoteKeys(Duration.ofSeconds(2))).isFalse();
                String token = authority.sign(EntraClaims.v2(TENANT, "mitm@contoso.test", Duration.ofMinutes(30)).build());
                assertThat(attempt(gateway, token)).isEqualTo("HTTP/1.1 401 Authentication failed");
                assertThat(failures(gateway, "issuer_unavailable")).isEqualTo(1);
                assertThat(provider.requests(authority.keysPath())).as("no key fetch over an untrusted connection").isZero();
            }
        }
    }

    @Test
    void discoveryAndKeysGoThroughTheConfiguredProxy() throws Exception {
        Path tls = idp.resolve("tls");
        SelfSignedCertificate.loadOrCreate(tls, List.of());
        Path documents = Files.createDirectories(idp.resolve("documents"));
        try (MockOidcProvider provider = MockOidcProvider.start(new InetSocketAddress("127.0.0.1", 0),
                tls.resolve(SelfSignedCertificate.CERTIFICATE_FILE), tls.resolve(SelfSignedCertificate.KEY_FILE), documents);
             ConnectProxy proxy = ConnectProxy.start()) {
            TestAuthority authority = TestAuthority.entra(documents, provider.baseUrl(), TENANT);
            try (TestGateway gateway = TestGateway.withConfiguredIssuers(state,
                onlyEntraV2(provider.baseUrl(), TENANT, tls.resolve(SelfSignedCertificate.CERTIFICATE_FILE),
                            "http://127.0.0.1:" + proxy.port()))) {
                assertThat(gateway.tokens.awaitRemoteKeys(Duration.ofSeconds(20))).isTrue();
                String token = authority.sign(EntraClaims.v2(TENANT, "proxied@contoso.test", Duration.ofMinutes(30)).build());
                assertThat(attempt(gateway, token)).isEqualTo("HTTP/1.1 200 OK");
                // the JDK may carry both fetches through one tunnel, so at least one CONNECT, each to the provider
                assertThat(proxy.targets()).as("CONNECT requests the proxy saw")
                        .isNotEmpty()
                        .allMatch(target -> target.equals("127.0.0.1:" + provider.port()));
            }
        }
    }

    static String attempt(TestGateway gateway, String token) throws Exception {
        try (RecordTlsClient client = gateway.client()) {
            client.write(ControlChannelTest.post("Authorization: Bearer " + token + "\r\n", INIT_BODY));
            return client.readHttpResponse().statusLine();
        }
    }

    static double failures(TestGateway gateway, String reason) {
        return gateway.metric(ControlChannelTest.AUTH_FAILURES, "reason=\"" + reason + "\"");
    }

    private static String onlyEntraV2(URI base, String tenant, Path trustedCa, String proxy) {
        return "auth:\n  developmentIssuer: { enabled: false }\n  issuers:\n"
                + TestAuthority.entraV2IssuerEntry(base, tenant, trustedCa, proxy);
    }
}
