package io.github.tunnelgw.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevelopmentIssuerTest {

    private static final String ISSUER = "https://gateway.test/dev-issuer";
    private static final String AUDIENCE = "3678c9e9-9681-447a-974d-d19f668fcd88";
    private static final Instant START = Instant.parse("2030-01-02T03:04:05Z");

    @TempDir
    Path state;

    private final MutableClock clock = new MutableClock(START);

    private DevelopmentIssuer issuer() throws IOException {
        return DevelopmentIssuer.loadOrCreate(state, ISSUER, AUDIENCE, clock);
    }

    @Test
    void mintedTokenValidatesToTheRightPrincipal() throws Exception {
        DevelopmentIssuer issuer = issuer();
        String token = issuer.mint("alice@example.test", Duration.ofMinutes(30));

        Principal principal = issuer.validator().validate(token);

        assertThat(principal.userName()).isEqualTo("alice@example.test");
        assertThat(principal.subject()).isEqualTo(issuer.objectIdOf("alice@example.test"));
        assertThat(principal.objectId()).contains(principal.subject());
        assertThat(principal.tenantId()).contains(issuer.tenantId());
        assertThat(principal.deviceId()).isEmpty();
        assertThat(principal.groups()).isEmpty();
        assertThat(principal.roles()).isEmpty();
        assertThat(principal.expiresAt()).isEqualTo(START.plus(Duration.ofMinutes(30)));
    }

    @Test
    void anInMemoryIssuerHasAKeyOfItsOwnThatNoOtherIssuerAccepts() throws Exception {
        DevelopmentIssuer one = DevelopmentIssuer.inMemory("https://warmup.invalid/", "gateway-warmup");
        DevelopmentIssuer other = DevelopmentIssuer.inMemory("https://warmup.invalid/", "gateway-warmup");
        String token = one.mint("warmup-0", Duration.ofMinutes(5));

        assertThat(one.validator().validate(token).userName()).isEqualTo("warmup-0");
        assertThat(one.keyId()).isNotEqualTo(other.keyId());
        assertThatThrownBy(() -> other.validator().validate(token)).isInstanceOf(TokenRejectedException.class);
        try (var files = Files.list(state)) {
            assertThat(files).as("nothing written").isEmpty();
        }
    }

    @Test
    void mintedTokenHasTheDocumentedHeaderAndClaims() throws Exception {
        DevelopmentIssuer issuer = issuer();
        SignedJWT jwt = SignedJWT.parse(issuer.mint("bob", Duration.ofHours(2)));
        JWTClaimsSet claims = jwt.getJWTClaimsSet();

        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(jwt.getHeader().getType()).isEqualTo(JOSEObjectType.JWT);
        assertThat(jwt.getHeader().getKeyID()).isEqualTo(issuer.keyId());
        assertThat(claims.getIssuer()).isEqualTo(ISSUER);
        assertThat(claims.getAudience()).containsExactly(AUDIENCE);
        assertThat(claims.getStringClaim("upn")).isEqualTo("bob");
        assertThat(claims.getStringClaim("preferred_username")).isEqualTo("bob");
        assertThat(claims.getStringClaim("oid")).isEqualTo(claims.getSubject());
        assertThat(claims.getStringClaim("tid")).isEqualTo(issuer.tenantId()).matches("[0-9a-f-]{36}");
        assertThat(claims.getIssueTime().toInstant()).isEqualTo(START);
        assertThat(claims.getNotBeforeTime().toInstant()).isEqualTo(START);
        assertThat(claims.getExpirationTime().toInstant()).isEqualTo(START.plus(Duration.ofHours(2)));
        assertThat(claims.getJWTID()).isNotBlank();
    }

    @Test
    void subjectIsStablePerUserAndJtiIsFreshPerToken() throws Exception {
        DevelopmentIssuer issuer = issuer();
        JWTClaimsSet first = SignedJWT.parse(issuer.mint("carol", Duration.ofMinutes(5))).getJWTClaimsSet();
        JWTClaimsSet second = SignedJWT.parse(issuer.mint("carol", Duration.ofMinutes(5))).getJWTClaimsSet();
        JWTClaimsSet other = SignedJWT.parse(issuer.mint("dave", Duration.ofMinutes(5))).getJWTClaimsSet();

        assertThat(second.getSubject()).isEqualTo(first.getSubject());
        assertThat(other.getSubject()).isNotEqualTo(first.getSubject());
        assertThat(second.getJWTID()).isNotEqualTo(first.getJWTID());
    }

    @Test
    void keyIdIsTheThumbprintOfTheStoredKey() throws Exception {
        DevelopmentIssuer issuer = issuer();
        JWK stored = JWK.parse(Files.readString(state.resolve(DevelopmentIssuer.KEY_FILE_NAME)));

        assertThat(stored).isInstanceOf(ECKey.class);
        assertThat(stored.isPrivate()).isTrue();
        assertThat(((ECKey) stored).getCurve()).isEqualTo(Curve.P_256);
        assertThat(issuer.keyId()).isEqualTo(stored.computeThumbprint().toString());
        assertThat(issuer.publicKeys().getKeys()).singleElement()
                .satisfies(k -> assertThat(k.isPrivate()).isFalse());
    }

    @Test
    void secondLoadReusesTheKeySoTokensStayValid() throws Exception {
        DevelopmentIssuer first = issuer();
        String token = first.mint("erin", Duration.ofMinutes(10));
        DevelopmentIssuer second = issuer();

        assertThat(second.keyId()).isEqualTo(first.keyId());
        assertThat(second.tenantId()).isEqualTo(first.tenantId());
        assertThat(second.validator().validate(token).userName()).isEqualTo("erin");
        assertThat(first.validator().validate(second.mint("erin", Duration.ofMinutes(1))).subject())
                .isEqualTo(first.objectIdOf("erin"));
    }

    @Test
    void differentStateDirectoriesHaveDifferentKeys(@TempDir Path otherState) throws Exception {
        DevelopmentIssuer first = issuer();
        DevelopmentIssuer other = DevelopmentIssuer.loadOrCreate(otherState, ISSUER, AUDIENCE, clock);

        assertThat(other.keyId()).isNotEqualTo(first.keyId());
        assertThatThrownBy(() -> other.validator().validate(first.mint("frank", Duration.ofMinutes(1))))
                .isInstanceOfSatisfying(TokenRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(TokenRejectedException.Reason.UNKNOWN_KEY));
    }

    @Test
    void keyFileIsOwnerOnlyAndMissingDirectoriesAreCreatedOwnerOnly() throws Exception {
        Path nested = state.resolve("a/b");
        DevelopmentIssuer.loadOrCreate(nested, ISSUER, AUDIENCE, clock);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(nested.resolve("dev-issuer-key.json"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(nested)))
                .isEqualTo("rwx------");
        try (var listing = Files.list(nested)) {
            assertThat(listing).as("no temp file left behind").containsExactly(nested.resolve("dev-issuer-key.json"));
        }
    }

    @Test
    void tooOpenKeyFileIsTightenedOnLoad() throws Exception {
        String kid = issuer().keyId();
        Path keyFile = state.resolve(DevelopmentIssuer.KEY_FILE_NAME);
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));

        assertThat(issuer().keyId()).isEqualTo(kid);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
    }

    @Test
    void corruptKeyFilesGiveAnIOExceptionNamingTheFileAndAreLeftAlone() throws Exception {
        ECKey someKey = new ECKeyGenerator(Curve.P_256).generate();
        ECKey otherKey = new ECKeyGenerator(Curve.P_256).generate();
        ECKey mismatched = new ECKey.Builder(someKey.toPublicJWK()).d(otherKey.getD()).build();
        Map<String, String> corruptions = Map.of(
                "not json", "{this is not json",
                "empty", "",
                "json array", "[1,2,3]",
                "rsa key", new RSAKeyGenerator(2048).generate().toJSONString(),
                "p-384 key", new ECKeyGenerator(Curve.P_384).generate().toJSONString(),
                "public key only", someKey.toPublicJWK().toJSONString(),
                "mismatched private part", mismatched.toJSONString());
        Path keyFile = state.resolve(DevelopmentIssuer.KEY_FILE_NAME);

        for (Map.Entry<String, String> corruption : corruptions.entrySet()) {
            Files.writeString(keyFile, corruption.getValue());

            assertThatThrownBy(this::issuer)
                    .as(corruption.getKey())
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(keyFile.toString())
                    .hasMessageContaining("corrupt")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(someKey.getD().toString()));
            assertThat(Files.readString(keyFile)).as(corruption.getKey() + " left unchanged")
                    .isEqualTo(corruption.getValue());
        }
    }

    @Test
    void mintRejectsBadTtls() throws Exception {
        DevelopmentIssuer issuer = issuer();

        for (Duration ttl : List.of(Duration.ZERO, Duration.ofSeconds(-1), Duration.ofHours(24).plusSeconds(1))) {
            assertThatThrownBy(() -> issuer.mint("gina", ttl)).as(ttl.toString())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("ttl");
        }
        assertThat(issuer.validator().validate(issuer.mint("gina", Duration.ofHours(24))).expiresAt())
                .isEqualTo(START.plus(Duration.ofHours(24)));
    }

    @Test
    void mintRejectsBadUserNames() throws Exception {
        DevelopmentIssuer issuer = issuer();

        assertThatThrownBy(() -> issuer.mint(null, Duration.ofMinutes(1))).hasMessageContaining("blank");
        assertThatThrownBy(() -> issuer.mint("  ", Duration.ofMinutes(1))).hasMessageContaining("blank");
        assertThatThrownBy(() -> issuer.mint("x".repeat(257), Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("256");
        assertThatThrownBy(() -> issuer.mint("eve\nadmin", Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("control");
        assertThat(issuer.validator().validate(issuer.mint("x".repeat(256), Duration.ofMinutes(1))).userName())
                .hasSize(256);
    }

    @Test
    void issuerAndAudienceMustBeGiven() {
        assertThatThrownBy(() -> DevelopmentIssuer.loadOrCreate(state, " ", AUDIENCE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("issuerUrl");
        assertThatThrownBy(() -> DevelopmentIssuer.loadOrCreate(state, ISSUER, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("audience");
    }

    @Test
    void accessorsReturnTheConfiguration() throws Exception {
        DevelopmentIssuer issuer = issuer();
        assertThat(issuer.issuerUrl()).isEqualTo(ISSUER);
        assertThat(issuer.audience()).isEqualTo(AUDIENCE);
        assertThat(issuer.toString()).contains(ISSUER, issuer.keyId()).doesNotContain("\"d\"");
    }

    @Test
    void validatorIsSafeToShareBetweenThreads() throws Exception {
        DevelopmentIssuer issuer = issuer();
        TokenValidator validator = issuer.validator();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String user = "user" + i;
                results.add(pool.submit(() -> validator.validate(issuer.mint(user, Duration.ofMinutes(1))).userName()));
            }
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).get()).isEqualTo("user" + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
