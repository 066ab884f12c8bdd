package io.github.tunnelgw.core.server;

import static io.github.tunnelgw.core.server.ControlChannelTest.INIT_BODY;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.github.tunnelgw.auth.Principal;
import io.github.tunnelgw.core.idp.EntraClaims;
import io.github.tunnelgw.core.idp.MockOidcProvider;
import io.github.tunnelgw.core.idp.TestAuthority;
import io.github.tunnelgw.core.session.Session;
import io.github.tunnelgw.core.tls.SelfSignedCertificate;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Production identity through a real gateway on loopback: Entra ID v2 (single- and multi-tenant), Entra ID v1 and
 * AD FS issuers discovered from a local HTTPS mock provider whose certificate the gateway trusts through
 * {@code trustedCaFile}. Every refused token gets {@code 401 Authentication failed}, opens no session, is
 * counted under its reason and is logged once with that reason, never with the token.
 */
class EntraTokenLoginTest {
    static final String T1 = "5a1c7e0b-3f1d-4c61-9d3e-0b8f2a6c4d11";   // v2, single tenant, roles required
    static final String T2 = "8d2f9a44-6b7e-4e0a-a1c5-77e3b9d0f222";   // v2 via common, allowed
    static final String T3 = "c3e1b5d7-2a9f-4f8b-8e6d-19a4c7b2e333";   // v2 via common, allowed
    static final String T4 = "f4a6d8c2-7e1b-4d3a-b5c9-2e8f0a1d6444";   // v1, single tenant, own skew and name claims
    static final String T9 = "9e9e9e9e-1111-4222-8333-944444444999";   // nobody's
    static final String ADFS_HOST = "adfs.contoso.test";
    static final String ADFS_AUDIENCE = "https://tunnel.contoso.test";
    static final String REQUIRED_ROLE = "Tunnel.Users";
    static final Duration TTL = Duration.ofMinutes(30);
    /** Any log line about a refused login, whoever logs it: there must be exactly one per refusal. */
    static final Predicate<String> REFUSAL = Pattern.compile("(?i)refused|rejected").asPredicate();
    static final Pattern AUTHORIZATION = Pattern.compile("(?im)^Authorization:[ \\t]*\\S*[ \\t]?([^\\r\\n]*)");

    @TempDir
    static Path state;
    @TempDir
    static Path idp;
    static MockOidcProvider provider;
    static TestAuthority tenant1;
    static TestAuthority common;
    static TestAuthority tenant4;
    static TestAuthority adfs;
    /** tenant1's EC keys, published beside its RSA key before the gateway first fetches the key set. */
    static ECKey tenant1P256;
    static ECKey tenant1P384;
    static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        Path tls = idp.resolve("tls");
        SelfSignedCertificate.loadOrCreate(tls, List.of());
        Path documents = Files.createDirectories(idp.resolve("documents"));
        provider = MockOidcProvider.start(new InetSocketAddress("127.0.0.1", 0),
                tls.resolve(SelfSignedCertificate.CERTIFICATE_FILE), tls.resolve(SelfSignedCertificate.KEY_FILE), documents);
        URI base = provider.baseUrl();
        tenant1 = TestAuthority.entra(documents, base, T1);
        tenant1P256 = tenant1.publishEcKey(Curve.P_256);
        tenant1P384 = tenant1.publishEcKey(Curve.P_384);
        common = TestAuthority.entra(documents, base, "common");
        tenant4 = TestAuthority.entra(documents, base, T4);
        adfs = TestAuthority.adfs(documents, base, ADFS_HOST);
        String ca = tls.resolve(SelfSignedCertificate.CERTIFICATE_FILE).toString();
        gateway = TestGateway.withConfiguredIssuers(state, "auth:\n  developmentIssuer: { enabled: false }\n  issuers:\n"
                + TestAuthority.entraV2IssuerEntry(base, T1, tls.resolve(SelfSignedCertificate.CERTIFICATE_FILE), "none")
                + "      requiredClaims: { roles: " + REQUIRED_ROLE + " }\n" + """
                    - profile: entra-v2
                      tenant: common
                      allowedTenants: [%s, %s]
                      discoveryUrl: %s
                      trustedCaFile: "%s"
                      proxy: none
                      keyRefreshMinInterval: 100ms
                    - profile: entra-v1
                      tenant: %s
                      discoveryUrl: %s
                      trustedCaFile: "%s"
                      proxy: none
                      clockSkew: 120s
                      userNameClaims: [unique_name, upn]
                    - profile: adfs
                      issuer: https://%s/adfs
                      discoveryUrl: %s
                      audiences: [%s]
                      trustedCaFile: "%s"
                      proxy: none
                      keyCacheTime: 2s
                      keyRefreshMinInterval: 500ms
                """.formatted(T2, T3, TestAuthority.entraV2Discovery(base, "common"), ca,
                T4, TestAuthority.entraV1Discovery(base, T4), ca,
                ADFS_HOST, TestAuthority.adfsDiscovery(base), ADFS_AUDIENCE, ca));
        assertThat(gateway.tokens.awaitRemoteKeys(Duration.ofSeconds(30))).as("all issuers discovered, keys loaded").isTrue();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (provider != null) {
            provider.close();
        }
    }

    // ---- tokens ---------------------------------------------------------------------------------------------

    static JWTClaimsSet.Builder t1Claims(String upn) {
        return EntraClaims.v2(T1, upn, TTL).claim("roles", List.of("Other.Role", REQUIRED_ROLE));
    }

    static String t1Token(String upn) {
        return tenant1.sign(t1Claims(upn).build());
    }

    /** A tenant1 token signed with {@code key} under {@code algorithm}, which the key fits. */
    static String t1SignedWith(JWSAlgorithm algorithm, JWK key, String upn) {
        return tenant1.sign(TestAuthority.header(algorithm, key).build(), t1Claims(upn).build(), key);
    }

    static String bearer(String token) {
        return "Authorization: Bearer " + token + "\r\n";
    }

    static String signedWithUnpublishedKey(JWTClaimsSet claims, String kid) {
        try {
            RSAKey stranger = new RSAKeyGenerator(2048).keyID(kid).generate();
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT)
                    .keyID(kid).build(), claims);
            jwt.sign(new RSASSASigner(stranger));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String keyConfusion() {
        try {
            // HS256 with the issuer's RSA public key as the HMAC secret: works against validators that take the
            // key for whatever the token's alg says.
            byte[] secret = tenant1.signingKey().toRSAPublicKey().getEncoded();
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT)
                    .keyID(tenant1.signingKey().getKeyID()).build(), t1Claims("hs256@contoso.test").build());
            jwt.sign(new MACSigner(secret));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String encrypted() {
        try {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            EncryptedJWT jwe = new EncryptedJWT(new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A256GCM)
                    .type(JOSEObjectType.JWT).build(), t1Claims("jwe@contoso.test").build());
            jwe.encrypt(new DirectEncrypter(key));
            return jwe.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String tamperedPayload() {
        String[] parts = t1Token("victim@contoso.test").split("\\.");
        String payload = Base64URL.encode(t1Claims("admin@contoso.test").build().toString()).toString();
        return parts[0] + "." + payload + "." + parts[2];
    }

    static String tamperedSignature() {
        String[] parts = t1Token("sig@contoso.test").split("\\.");
        char[] signature = parts[2].toCharArray();
        int middle = signature.length / 2;
        signature[middle] = signature[middle] == 'A' ? 'B' : 'A';
        return parts[0] + "." + parts[1] + "." + new String(signature);
    }

    static String oversized() {
        List<String> groups = new ArrayList<>();
        // just over the limit, and well under the HTTP header limit (24 KiB)
        for (int i = 0; groups.size() * 39 < 12_500; i++) {
            groups.add(EntraClaims.uuid("group" + i));
        }
        String token = tenant1.sign(t1Claims("big@contoso.test").claim("groups", groups).build());
        assertThat(token.length()).isBetween(16 * 1024 + 1, 20 * 1024);
        return token;
    }

    static String at(Instant instant) {
        return Long.toString(instant.getEpochSecond());
    }

    /** What openconnect sends for a token file that ends in a newline: the header block ends after the token. */
    static String openconnectRequestWithTrailingNewline(String token) {
        String full = ControlChannelTest.post("", INIT_BODY);
        int endOfRequestLine = full.indexOf("\r\n") + 2;
        return full.substring(0, endOfRequestLine) + "Authorization: Bearer " + token + "\n\r\n" + full.substring(endOfRequestLine);
    }

    // ---- the negative matrix ---------------------------------------------------------------------------------

    /** Case name, the raw request (a supplier: tokens are minted after the provider started), the reason counted. */
    static Stream<Arguments> refusedLogins() {
        Instant now = Instant.now();
        return Stream.of(
                refused("alg none", () -> post(bearer(new PlainJWT(new PlainHeader.Builder().type(JOSEObjectType.JWT).build(),
                        t1Claims("none@contoso.test").build()).serialize())), "disallowed_algorithm"),
                refused("HS256 signed with the RSA public key", () -> post(bearer(keyConfusion())), "disallowed_algorithm"),
                refused("unknown kid that stays unknown", () -> post(bearer(signedWithUnpublishedKey(
                        t1Claims("kid@contoso.test").build(), "never-published-kid"))), "unknown_key"),
                refused("published kid, signed by another key", () -> post(bearer(signedWithUnpublishedKey(
                        t1Claims("forged@contoso.test").build(), tenant1.signingKey().getKeyID()))), "bad_signature"),
                refused("tampered payload", () -> post(bearer(tamperedPayload())), "bad_signature"),
                refused("tampered signature", () -> post(bearer(tamperedSignature())), "bad_signature"),
                refused("expired beyond the skew", () -> post(bearer(tenant1.sign(t1Claims("old@contoso.test")
                        .expirationTime(Date.from(now.minusSeconds(61))).build()))), "expired"),
                refused("nbf in the future beyond the skew", () -> post(bearer(tenant1.sign(t1Claims("early@contoso.test")
                        .notBeforeTime(Date.from(now.plusSeconds(300))).build()))), "not_yet_valid"),
                refused("wrong aud", () -> post(bearer(tenant1.sign(t1Claims("aud@contoso.test")
                        .audience("00000003-0000-0000-c000-000000000000").build()))), "wrong_audience"),
                refused("wrong iss (foreign issuer)", () -> post(bearer(tenant1.sign(t1Claims("iss@contoso.test")
                        .issuer("https://evil.example/" + T1 + "/v2.0").build()))), "wrong_issuer"),
                refused("tenant not allowed (its own issuer)", () -> post(bearer(common.sign(
                        EntraClaims.v2(T9, "outsider@fabrikam.test", TTL).build()))), "wrong_issuer"),
                refused("tenant not allowed behind an allowed issuer", () -> post(bearer(common.sign(
                        EntraClaims.v2(T2, "outsider@fabrikam.test", TTL).claim("tid", T9).build()))), "tenant_not_allowed"),
                refused("v1 token when only v2 is configured", () -> post(bearer(tenant1.sign(
                        EntraClaims.v1(T1, "v1@contoso.test", TTL).claim("roles", List.of(REQUIRED_ROLE)).build()))),
                        "wrong_issuer"),
                refused("token over 16 KiB", () -> post(bearer(oversized())), "too_large"),
                refused("JWE", () -> post(bearer(encrypted())), "encrypted_token"),
                refused("not a JWT", () -> post(bearer("this-is-not-a-token")), "malformed"),
                refused("three dots of nothing", () -> post(bearer("a.b.c")), "malformed"),
                refused("empty", () -> post("Authorization: Bearer \r\n"), "bad_request"),
                refused("Basic scheme", () -> post("Authorization: Basic dXNlcjpwYXNz\r\n"), "bad_request"),
                refused("two Authorization headers", () -> post(bearer(t1Token("twice@contoso.test"))
                        + bearer(t1Token("twice@contoso.test"))), "bad_request"),
                refused("missing required claim", () -> post(bearer(tenant1.sign(EntraClaims.v2(T1, "noroles@contoso.test", TTL)
                        .build()))), "missing_claim"),
                refused("required claim without the required value", () -> post(bearer(tenant1.sign(
                        EntraClaims.v2(T1, "wrongrole@contoso.test", TTL).claim("roles", List.of("Other.Role")).build()))),
                        "claim_mismatch"),
                refused("typ is not JWT or at+jwt", () -> post(bearer(tenant1.sign(tenant1.header()
                        .type(new JOSEObjectType("id_token+jwt")).build(), t1Claims("typ@contoso.test").build()))), "wrong_type"),
                refused("no typ", () -> post(bearer(tenant1.sign(new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID(tenant1.signingKey().getKeyID()).build(), t1Claims("notyp@contoso.test").build()))), "wrong_type"),
                refused("RS512 (not an allowed algorithm)", () -> post(bearer(t1SignedWith(JWSAlgorithm.RS512,
                        tenant1.signingKey(), "rs512@contoso.test"))), "disallowed_algorithm"),
                // each with a key the issuer publishes, so the algorithm alone is at fault
                refused("RS384 (not an allowed algorithm)", () -> post(bearer(t1SignedWith(JWSAlgorithm.RS384,
                        tenant1.signingKey(), "rs384@contoso.test"))), "disallowed_algorithm"),
                refused("PS512 (not an allowed algorithm)", () -> post(bearer(t1SignedWith(JWSAlgorithm.PS512,
                        tenant1.signingKey(), "ps512@contoso.test"))), "disallowed_algorithm"),
                refused("ES384 (not an allowed algorithm)", () -> post(bearer(t1SignedWith(JWSAlgorithm.ES384,
                        tenant1P384, "es384@contoso.test"))), "disallowed_algorithm"),
                refused("no iss at all", () -> post(bearer(tenant1.sign(t1Claims("noiss@contoso.test").issuer(null).build()))),
                        "missing_claim"),
                refused("v2 token of an allowed tenant signed with another authority's key", () -> post(bearer(tenant4.sign(
                        EntraClaims.v2(T2, "crosskey@contoso.test", TTL).build()))), "unknown_key"),
                refused("AD FS token for another relying party", () -> post(bearer(adfs.sign(EntraClaims.adfs(ADFS_HOST,
                        "https://other.contoso.test", "adfsuser@contoso.test", TTL).build()))), "wrong_audience"),
                refused("no user name claim", () -> post(bearer(tenant1.sign(t1Claims("x@contoso.test")
                        .claim("preferred_username", null).claim("oid", null).build()))), "missing_claim"));
    }

    static Arguments refused(String name, Supplier<String> request, String reason) {
        return Arguments.of(name, request, reason);
    }

    static String post(String authorizationHeaders) {
        return ControlChannelTest.post(authorizationHeaders, INIT_BODY);
    }

    @ParameterizedTest(name = "{0} -> 401 ({2})")
    @MethodSource("refusedLogins")
    void refusedLoginGets401AndNoSession(String name, Supplier<String> request, String reason) throws Exception {
        assertRefused(name, request.get(), reason);
    }

    @Test
    void tokenEndingInANewlineAsOpenconnectSendsItIsRefusedWithoutASession() throws Exception {
        // openconnect copies a token file verbatim, so a final \n ends the header block after the token. The bare LF
        // is malformed HTTP; on a login it is refused as a login (uniform 401) before any token is looked at.
        assertRefusedAsLogin(openconnectRequestWithTrailingNewline(t1Token("newline@contoso.test")));
    }

    @Test
    void tokenEndingInANewlineOnTheGetFallbackIsRefusedAsALogin() throws Exception {
        // openconnect 9.01 without --http-auth=Bearer sends the token on its non-XML GET fallback (reference §2.1)
        assertRefusedAsLogin("GET / HTTP/1.1\r\nAuthorization: Bearer " + t1Token("newline-get@contoso.test")
                + "\n\r\nHost: gw\r\nX-Support-HTTP-Auth: true\r\n\r\n");
    }

    @Test
    void tokenBeyondTheHeaderLimitIsRefusedAsALogin() throws Exception {
        String huge = t1Token("huge@contoso.test") + "A".repeat(30_000);
        assertRefusedAsLogin(post(bearer(huge)));
    }

    private static void assertRefusedAsLogin(String request) throws Exception {
        assertRefused("unreadable header block", request, "bad_request");
    }

    /**
     * The uniform refusal: {@code 401 Authentication failed}, no cookie, connection closed, no session, one count
     * under {@code reason}, one log line naming {@code reason}, and no trace of the credential in any log event.
     */
    private static void assertRefused(String name, String request, String reason) throws Exception {
        List<String> credentials = credentialsIn(request);
        assertThat(credentials).as("%s: the request carries an Authorization header", name).isNotEmpty();
        int sessionsBefore = gateway.server.sessions().sessionCount();
        double failuresBefore = failures(reason);

        HttpReply reply;
        boolean closed;
        try (LogCapture logs = LogCapture.start()) {
            try (RecordTlsClient client = gateway.client()) {
                client.write(request);
                reply = client.readHttpResponse();
                closed = client.closedByPeer();
            }
            // the gateway logs the refusal before it answers, so the line is there once the reply has been read
            List<ILoggingEvent> refusals = logs.matching(REFUSAL);
            assertThat(refusals).as("%s: log lines about the refusal", name).hasSize(1);
            assertThat(refusals.getFirst().getFormattedMessage()).as("%s: the logged reason", name)
                    .contains("login refused (" + reason + ")");
            credentials.forEach(logs::assertNoTraceOf);
        }

        assertThat(reply.statusLine()).as(name).isEqualTo("HTTP/1.1 401 Authentication failed");
        assertThat(reply.headers("Set-Cookie")).as(name).isEmpty();
        assertThat(closed).as("%s: connection closed", name).isTrue();
        assertThat(gateway.server.sessions().sessionCount()).as("%s: no session", name).isEqualTo(sessionsBefore);
        assertThat(failures(reason)).as("%s: counted as %s", name, reason).isEqualTo(failuresBefore + 1);
    }

    /** What follows the scheme in each Authorization header of a raw request ("" when nothing does). */
    static List<String> credentialsIn(String request) {
        List<String> credentials = new ArrayList<>();
        Matcher m = AUTHORIZATION.matcher(request);
        while (m.find()) {
            credentials.add(m.group(1));
        }
        return credentials;
    }

    // ---- accepted logins ------------------------------------------------------------------------------------

    static Session login(String request) throws Exception {
        try (RecordTlsClient client = gateway.client()) {
            client.write(request);
            HttpReply reply = client.readHttpResponse();
            assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
            return gateway.server.sessions().find(reply.webvpnCookie()).orElseThrow();
        }
    }

    @Test
    void entraV2SingleTenantTokenLogsInWithTheFullPrincipal() throws Exception {
        String token = tenant1.sign(t1Claims("alice@contoso.test")
                .claim("upn", "alice@contoso.test")
                .claim("deviceid", "4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f")
                .claim("groups", List.of("6d1f3a2b-0000-4000-8000-00000000aaaa")).build());
        Principal principal = login(post(bearer(token))).principal();

        assertThat(principal.userName()).isEqualTo("alice@contoso.test");
        assertThat(principal.tenantId()).contains(T1);
        assertThat(principal.objectId()).contains(EntraClaims.uuid("oid:" + T1 + ":alice@contoso.test"));
        assertThat(principal.deviceId()).contains("4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f");
        assertThat(principal.groups()).containsExactly("6d1f3a2b-0000-4000-8000-00000000aaaa");
        assertThat(principal.roles()).contains(REQUIRED_ROLE);
    }

    @Test
    void userNameComesFromPreferredUsernameWhenThereIsNoUpn() throws Exception {
        assertThat(login(post(bearer(t1Token("bob@contoso.test")))).principal().userName()).isEqualTo("bob@contoso.test");
    }

    @Test
    void lowercaseBearerSchemeIsAccepted() throws Exception {
        // RFC 7235 §2.1: auth-scheme names are case-insensitive; ocserv compares them case-insensitively too.
        Session session = login(post("Authorization: bearer " + t1Token("lower@contoso.test") + "\r\n"));
        assertThat(session.principal().userName()).isEqualTo("lower@contoso.test");
    }

    @Test
    void multiTenantIssuerAcceptsEachAllowedTenant() throws Exception {
        assertThat(login(post(bearer(common.sign(EntraClaims.v2(T2, "carol@fabrikam.test", TTL).build())))).principal().tenantId())
                .contains(T2);
        assertThat(login(post(bearer(common.sign(EntraClaims.v2(T3, "dave@northwind.test", TTL).build())))).principal().tenantId())
                .contains(T3);
    }

    @Test
    void entraV1TokenWithTheAppIdUriAudienceLogsIn() throws Exception {
        Principal principal = login(post(bearer(tenant4.sign(EntraClaims.v1(T4, "erin@contoso.test", TTL)
                .build())))).principal();
        assertThat(principal.userName()).isEqualTo("erin@contoso.test");
        assertThat(principal.tenantId()).contains(T4);
    }

    static String t4ExpiredAgo(String upn, long seconds) {
        Instant now = Instant.now();
        return tenant4.sign(EntraClaims.v1(T4, upn, TTL).issueTime(Date.from(now.minusSeconds(3600)))
                .notBeforeTime(Date.from(now.minusSeconds(3600))).expirationTime(Date.from(now.minusSeconds(seconds))).build());
    }

    @Test
    void perIssuerClockSkewFromTheConfigReachesItsValidator() throws Exception {
        // tenant4's issuer is configured with clockSkew: 120s; under the default 60 s the first token is refused
        assertThat(login(post(bearer(t4ExpiredAgo("skew@contoso.test", 90)))).principal().userName())
                .isEqualTo("skew@contoso.test");
        assertRefused("expired beyond the issuer's 120 s", post(bearer(t4ExpiredAgo("stale@contoso.test", 150))), "expired");
    }

    @Test
    void userNameComesFromTheFirstOfTheIssuersConfiguredClaims() throws Exception {
        // tenant4's issuer is configured with userNameClaims: [unique_name, upn]; the default order puts upn first
        String token = tenant4.sign(EntraClaims.v1(T4, "grace@contoso.test", TTL).claim("unique_name", "CONTOSO\\grace").build());
        assertThat(login(post(bearer(token))).principal().userName()).isEqualTo("CONTOSO\\grace");
    }

    @Test
    void adfsTokenWithoutSubLogsIn() throws Exception {
        Principal principal = login(post(bearer(adfs.sign(EntraClaims.adfs(ADFS_HOST, ADFS_AUDIENCE, "frank@contoso.test", TTL)
                .build())))).principal();
        assertThat(principal.userName()).isEqualTo("frank@contoso.test");
        assertThat(principal.subject()).isEqualTo("frank@contoso.test");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"RS256", "PS256", "ES256"})
    void eachProductionAlgorithmLogsIn(String algorithm) throws Exception {
        JWSAlgorithm alg = JWSAlgorithm.parse(algorithm);
        JWK key = JWSAlgorithm.Family.EC.contains(alg) ? tenant1P256 : tenant1.signingKey();
        String upn = algorithm.toLowerCase() + "@contoso.test";
        assertThat(login(post(bearer(t1SignedWith(alg, key, upn)))).principal().userName()).isEqualTo(upn);
    }

    @Test
    void atJwtTypeIsAccepted() throws Exception {
        String token = tenant1.sign(tenant1.header().type(new JOSEObjectType("at+jwt")).build(), t1Claims("atjwt@contoso.test").build());
        assertThat(login(post(bearer(token))).principal().userName()).isEqualTo("atjwt@contoso.test");
    }

    @Test
    void freshlyRotatedKeySucceedsOnItsFirstAttemptWithOneKeyFetch() throws Exception {
        String keys = common.keysPath();
        int fetchesBefore = provider.requests(keys);
        String oldKid = common.signingKey().getKeyID();
        common.rotate();
        assertThat(common.signingKey().getKeyID()).isNotEqualTo(oldKid);

        Session session = login(post(bearer(common.sign(EntraClaims.v2(T2, "rotated@fabrikam.test", TTL).build()))));

        assertThat(session.principal().userName()).isEqualTo("rotated@fabrikam.test");
        assertThat(provider.requests(keys)).as("one refetch for the unknown kid").isEqualTo(fetchesBefore + 1);
        // and the new key is now cached
        login(post(bearer(common.sign(EntraClaims.v2(T3, "rotated2@northwind.test", TTL).build()))));
        assertThat(provider.requests(keys)).isEqualTo(fetchesBefore + 1);
    }

    @Test
    void unknownKidRefetchesAtMostOncePerMinimumInterval() throws Exception {
        String keys = tenant1.keysPath();
        int fetchesBefore = provider.requests(keys);
        for (int i = 0; i < 4; i++) {
            try (RecordTlsClient client = gateway.client()) {
                client.write(post(bearer(signedWithUnpublishedKey(t1Claims("probe@contoso.test").build(), "probe-kid-" + i))));
                assertThat(client.readHttpResponse().status()).isEqualTo(401);
            }
        }
        assertThat(provider.requests(keys) - fetchesBefore).as("key fetches caused by 4 unknown kids").isLessThanOrEqualTo(2);
    }

    @Test
    void cachedKeysKeepWorkingWhileTheProviderIsDownLongerThanTheCacheTime() throws Exception {
        String keys = adfs.keysPath();
        Path down = Files.createFile(idp.resolve("documents").resolve(MockOidcProvider.DOWN_MARKER));
        try {
            int fetchesBefore = provider.requests(keys);
            Thread.sleep(3_000); // the AD FS issuer's keyCacheTime is 2 s
            assertThat(login(post(bearer(t1Token("outage@contoso.test")))).principal().userName())
                    .isEqualTo("outage@contoso.test");
            assertThat(login(post(bearer(adfs.sign(EntraClaims.adfs(ADFS_HOST, ADFS_AUDIENCE, "outage@contoso.test", TTL)
                    .build())))).principal().userName()).isEqualTo("outage@contoso.test");
            assertThat(provider.requests(keys)).as("the key set was asked for (and refused) during the outage")
                    .isGreaterThan(fetchesBefore);
        } finally {
            Files.delete(down);
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    static double failures(String reason) {
        return IssuerStartupTest.failures(gateway, reason);
    }
}
