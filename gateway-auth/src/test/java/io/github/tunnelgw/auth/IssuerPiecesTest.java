package io.github.tunnelgw.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.util.Base64URL;
import io.github.tunnelgw.auth.TokenRejectedException.Reason;
import java.net.Proxy;
import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The small parts of the issuer profiles: required claims, proxy settings, routing, discovery documents. */
class IssuerPiecesTest {

    @TempDir
    Path state;

    // ---- RequiredClaim ----

    @Test
    void requiredClaimMatchesStringsExactlyAndArraysByContaining() {
        RequiredClaim role = new RequiredClaim("roles", "Tunnel.Users");
        assertThat(role.matches("Tunnel.Users")).isTrue();
        assertThat(role.matches("tunnel.users")).isFalse();
        assertThat(role.matches("Tunnel.Users ")).isFalse();
        assertThat(role.matches(List.of("A", "Tunnel.Users"))).isTrue();
        assertThat(role.matches(List.of("A", "B"))).isFalse();
        assertThat(role.matches(List.of())).isFalse();
        assertThat(role.matches(null)).isFalse();
        assertThat(role.matches(Map.of("Tunnel.Users", true))).isFalse();
        assertThat(new RequiredClaim("acrs_level", "2").matches(2L)).isTrue();
        assertThat(new RequiredClaim("mfa", "true").matches(Boolean.TRUE)).isTrue();
        assertThatThrownBy(() -> new RequiredClaim("roles", "")).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- ProxySetting ----

    @Test
    void proxyFromTheEnvironmentHonoursNoProxy() throws Exception {
        ProxySetting proxy = ProxySetting.parse("env", Map.of("HTTPS_PROXY", "http://proxy.corp:3128",
                "NO_PROXY", "localhost, .internal.corp,adfs.corp"));
        assertThat(proxy.proxyFor(new URL("https://login.microsoftonline.com/x")).type()).isEqualTo(Proxy.Type.HTTP);
        assertThat(proxy.proxyFor(new URL("https://localhost/x"))).isEqualTo(Proxy.NO_PROXY);
        assertThat(proxy.proxyFor(new URL("https://sts.internal.corp/x"))).isEqualTo(Proxy.NO_PROXY);
        assertThat(proxy.proxyFor(new URL("https://adfs.corp/adfs"))).isEqualTo(Proxy.NO_PROXY);
        assertThat(proxy.proxyFor(new URL("https://evil-adfs.corp.example/adfs")).type()).isEqualTo(Proxy.Type.HTTP);
        assertThat(ProxySetting.parse("env", Map.of("https_proxy", "proxy.corp:8080")).proxy()).isPresent();
        assertThat(ProxySetting.parse("env", Map.of()).proxy()).isEmpty();
        assertThat(ProxySetting.parse("none", Map.of("HTTPS_PROXY", "http://p:1")).proxy()).isEmpty();
    }

    @Test
    void proxyWithCredentialsOrAnotherSchemeIsRefusedWithoutEchoingIt() {
        IllegalArgumentException e = catchThrowableOfType(IllegalArgumentException.class,
                () -> ProxySetting.parse("http://user:s3cret@proxy:3128", Map.of()));
        assertThat(e.getMessage()).doesNotContain("s3cret");
        assertThatThrownBy(() -> ProxySetting.parse("socks5://proxy:1080", Map.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProxySetting.parse("http://proxy", Map.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProxySetting.parse("env", Map.of("HTTPS_PROXY", "http://u:pw@p:1")))
                .hasMessageNotContaining("pw");
    }

    // ---- tenant and required-claim policy ----

    @Test
    void policyChecksTenantAndRequiredClaimsAfterTheSignature() throws Exception {
        DevelopmentIssuer dev = DevelopmentIssuer.loadOrCreate(state, "https://dev.example/", "aud");
        ValidationPolicy policy = new ValidationPolicy(Set.of(dev.issuerUrl()), Set.of("aud"),
                ValidationPolicy.PRODUCTION_ALGORITHMS, Duration.ofSeconds(60), ValidationPolicy.DEFAULT_USER_NAME_CLAIMS,
                java.time.Clock.systemUTC(), Set.of(dev.tenantId()), List.of(new RequiredClaim("roles", "Tunnel.Users")), false);
        JwsTokenValidator validator = new JwsTokenValidator(policy,
                new com.nimbusds.jose.jwk.source.ImmutableJWKSet<>(dev.publicKeys()));

        Principal ok = validator.validate(dev.mint(dev.standardClaims("alice", Duration.ofMinutes(5))
                .claim("roles", List.of("Tunnel.Users")).subject(null).build()));
        assertThat(ok.subject()).as("no sub: falls back to oid").isEqualTo(dev.objectIdOf("alice"));
        assertReason(() -> validator.validate(dev.mint(dev.standardClaims("alice", Duration.ofMinutes(5)).build())),
                Reason.MISSING_CLAIM);
        assertReason(() -> validator.validate(dev.mint(dev.standardClaims("alice", Duration.ofMinutes(5))
                .claim("roles", "Tunnel.Admins").build())), Reason.CLAIM_MISMATCH);
        assertReason(() -> validator.validate(dev.mint(dev.standardClaims("alice", Duration.ofMinutes(5))
                .claim("roles", List.of("Tunnel.Users")).claim("tid", "00000000-0000-4000-8000-000000000000").build())),
                Reason.TENANT_NOT_ALLOWED);
        assertReason(() -> validator.validate(dev.mint(dev.standardClaims("alice", Duration.ofMinutes(5))
                .claim("roles", List.of("Tunnel.Users")).claim("tid", null).build())), Reason.MISSING_CLAIM);
        assertReason(() -> validator.validate(dev.mint(dev.standardClaims("alice", Duration.ofMinutes(5))
                .claim("roles", List.of("Tunnel.Users")).claim("tid", List.of(dev.tenantId())).build())),
                Reason.TENANT_NOT_ALLOWED);
    }

    // ---- IssuerHttpClient ----

    @Test
    void httpClientFetchesHttpsOnlyAndNeedsAUsableCaFile() throws Exception {
        IssuerHttpClient client = IssuerHttpClient.create(Optional.empty(), ProxySetting.direct());
        assertThatThrownBy(() -> client.get(URI.create("file:///etc/passwd"))).isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("non-https");
        assertThatThrownBy(() -> client.get(URI.create("http://127.0.0.1:9/keys"))).isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("non-https");
        assertThatThrownBy(() -> client.retrieveResource(new URL("file:///etc/passwd"))).isInstanceOf(java.io.IOException.class);
        Path empty = java.nio.file.Files.writeString(state.resolve("empty.pem"), "no certificates here\n");
        assertThatThrownBy(() -> IssuerHttpClient.create(Optional.of(empty), ProxySetting.direct()))
                .isInstanceOf(java.io.IOException.class);
        assertThatThrownBy(() -> IssuerHttpClient.create(Optional.of(state.resolve("missing.pem")), ProxySetting.direct()))
                .isInstanceOf(java.io.IOException.class);
    }

    // ---- DiscoveryDocument ----

    @Test
    void discoveryDocumentNeedsIssuerAndAnHttpsJwksUri() {
        DiscoveryDocument adfs = DiscoveryDocument.parse("""
                {"issuer":"https://adfs.contoso.com/adfs","jwks_uri":"https://adfs.contoso.com/adfs/discovery/keys",
                 "access_token_issuer":"http://adfs.contoso.com/adfs/services/trust"}""");
        assertThat(adfs.jwksUri()).isEqualTo(URI.create("https://adfs.contoso.com/adfs/discovery/keys"));
        assertThat(adfs.accessTokenIssuer()).contains("http://adfs.contoso.com/adfs/services/trust");

        for (String bad : List.of("", "[]", "{", "{\"issuer\":\"x\"}", "{\"jwks_uri\":\"https://k\"}",
                "{\"issuer\":\"x\",\"jwks_uri\":\"http://k.example/keys\"}",
                "{\"issuer\":\"x\",\"jwks_uri\":\"file:///etc/passwd\"}",
                "{\"issuer\":\"x\",\"jwks_uri\":42}", "{\"issuer\":\"\",\"jwks_uri\":\"https://k.example/keys\"}")) {
            assertThatThrownBy(() -> DiscoveryDocument.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    // ---- UnverifiedIssuer and IssuerRouter ----

    static String token(String payloadJson) {
        return "eyJhbGciOiJSUzI1NiJ9." + Base64URL.encode(payloadJson) + ".c2ln";
    }

    @Test
    void unverifiedIssuerIsReadOnlyFromAWellFormedPayload() throws Exception {
        assertThat(UnverifiedIssuer.of(token("{\"iss\":\"https://a\"}"))).isEqualTo("https://a");
        assertReason(() -> UnverifiedIssuer.of(token("{\"sub\":\"x\"}")), Reason.MISSING_CLAIM);
        assertReason(() -> UnverifiedIssuer.of(token("{\"iss\":7}")), Reason.MALFORMED);
        assertReason(() -> UnverifiedIssuer.of(token("[1]")), Reason.MALFORMED);
        assertReason(() -> UnverifiedIssuer.of("a.b.c.d.e"), Reason.ENCRYPTED_TOKEN);
        assertReason(() -> UnverifiedIssuer.of(""), Reason.EMPTY);
        assertReason(() -> UnverifiedIssuer.of(token("{\"iss\":\"https://a\"}") + "\n"), Reason.MALFORMED);
        assertReason(() -> UnverifiedIssuer.of("x".repeat(TokenLimits.MAX_TOKEN_CHARS + 1)), Reason.TOO_LARGE);
    }

    @Test
    void routerSendsEachTokenToItsIssuerOnly() throws Exception {
        DevelopmentIssuer first = DevelopmentIssuer.loadOrCreate(state.resolve("a"), "https://a.example/", "aud");
        DevelopmentIssuer second = DevelopmentIssuer.loadOrCreate(state.resolve("b"), "https://b.example/", "aud");
        IssuerRouter router = new IssuerRouter(List.of(
                new IssuerRouter.Route(Set.of(first.issuerUrl()), first.validator()),
                new IssuerRouter.Route(Set.of(second.issuerUrl()), second.validator())));

        assertThat(router.validate(first.mint("alice", Duration.ofMinutes(5))).userName()).isEqualTo("alice");
        assertThat(router.validate(second.mint("bob", Duration.ofMinutes(5))).userName()).isEqualTo("bob");
        // a token claiming the second issuer but signed by the first reaches the second's validator and fails there
        String forged = first.mint(first.standardClaims("eve", Duration.ofMinutes(5)).issuer(second.issuerUrl()).build());
        assertReason(() -> router.validate(forged), Reason.UNKNOWN_KEY);
        String foreign = first.mint(first.standardClaims("eve", Duration.ofMinutes(5)).issuer("https://c.example/").build());
        assertReason(() -> router.validate(foreign), Reason.WRONG_ISSUER);
        assertThatThrownBy(() -> new IssuerRouter(List.of(
                new IssuerRouter.Route(Set.of("https://a.example/"), first.validator()),
                new IssuerRouter.Route(Set.of("https://a.example/"), second.validator()))))
                .isInstanceOf(IllegalArgumentException.class);
        router.close();
    }

    // ---- IssuerSettings ----

    static IssuerSettings settings(IssuerProfile profile, Optional<String> tenant, Optional<String> issuer, Set<String> allowed) {
        return new IssuerSettings(profile, tenant, issuer, Optional.empty(), IssuerSettings.DEFAULT_AUDIENCES, allowed,
                List.of(), ValidationPolicy.DEFAULT_USER_NAME_CLAIMS, Duration.ofSeconds(60), Optional.empty(),
                ProxySetting.direct(), IssuerSettings.DEFAULT_KEY_CACHE_TIME, IssuerSettings.DEFAULT_KEY_REFRESH_MIN_INTERVAL);
    }

    @Test
    void entraProfilesComputeTheirIssuersAndAlwaysCheckTheTenant() {
        String tid = "72F988BF-86F1-41AF-91AB-2D7CD011DB47";
        IssuerSettings v2 = settings(IssuerProfile.ENTRA_V2, Optional.of(tid), Optional.empty(), Set.of());
        assertThat(v2.acceptedIssuers()).containsExactly("https://login.microsoftonline.com/" + tid.toLowerCase() + "/v2.0");
        assertThat(v2.policy(java.time.Clock.systemUTC()).allowedTenants()).containsExactly(tid.toLowerCase());
        assertThat(v2.policy(java.time.Clock.systemUTC()).algorithms())
                .containsExactlyInAnyOrder(JWSAlgorithm.RS256, JWSAlgorithm.PS256, JWSAlgorithm.ES256);
        assertThat(v2.expectedDiscoveryIssuer()).contains("https://login.microsoftonline.com/" + tid.toLowerCase() + "/v2.0");

        IssuerSettings multi = settings(IssuerProfile.ENTRA_V1, Optional.of("organizations"), Optional.empty(),
                Set.of("8d2f9a44-6b7e-4e0a-a1c5-77e3b9d0f222"));
        assertThat(multi.acceptedIssuers()).containsExactly("https://sts.windows.net/8d2f9a44-6b7e-4e0a-a1c5-77e3b9d0f222/");
        assertThat(multi.expectedDiscoveryIssuer()).isEmpty();
        assertThat(multi.effectiveDiscoveryUrl()).isEqualTo(
                URI.create("https://login.microsoftonline.com/organizations/.well-known/openid-configuration"));
        assertThatThrownBy(() -> settings(IssuerProfile.ENTRA_V2, Optional.of(tid), Optional.empty(),
                Set.of("8d2f9a44-6b7e-4e0a-a1c5-77e3b9d0f222"))).hasMessageContaining("tenant: common");
    }

    @Test
    void remoteIssuerRefusesTokensUntilDiscoveredAndNeverThrowsAnythingElse() throws Exception {
        IssuerSettings unreachable = new IssuerSettings(IssuerProfile.OIDC, Optional.empty(), Optional.of("https://127.0.0.1:9/"),
                Optional.empty(), Set.of("aud"), Set.of(), List.of(), ValidationPolicy.DEFAULT_USER_NAME_CLAIMS,
                Duration.ZERO, Optional.empty(), ProxySetting.direct(), Duration.ofMinutes(5), Duration.ofSeconds(30));
        try (RemoteIssuer issuer = RemoteIssuer.start(unreachable, java.time.Clock.systemUTC())) {
            DevelopmentIssuer dev = DevelopmentIssuer.loadOrCreate(state, "https://127.0.0.1:9/", "aud");
            TokenRejectedException e = catchThrowableOfType(TokenRejectedException.class,
                    () -> issuer.validate(dev.mint("alice", Duration.ofMinutes(5))));
            assertThat(e.reason()).isEqualTo(Reason.ISSUER_UNAVAILABLE);
            assertReason(() -> issuer.validate("garbage"), Reason.MALFORMED);
            assertThat(issuer.awaitKeys(Duration.ofMillis(200))).isFalse();
            assertThat(issuer.discovered()).isFalse();
        }
        assertThat(Instant.now()).isNotNull();
    }

    interface Call {
        Object run() throws Exception;
    }

    static void assertReason(Call call, Reason reason) {
        TokenRejectedException e = catchThrowableOfType(TokenRejectedException.class, call::run);
        assertThat(e).as("expected %s", reason).isNotNull();
        assertThat(e.reason()).isEqualTo(reason);
    }
}
