package io.github.tunnelgw.auth;

import static io.github.tunnelgw.auth.TokenLeakAssertions.assertNoTokenLeak;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.github.tunnelgw.auth.TokenRejectedException.Reason;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JwsTokenValidatorTest {

    private static final String ISSUER = "https://gateway.test/dev-issuer";
    private static final String AUDIENCE = "3678c9e9-9681-447a-974d-d19f668fcd88";
    private static final Instant START = Instant.parse("2030-01-02T03:04:05Z");
    private static final Duration TTL = Duration.ofMinutes(5);

    @TempDir
    Path state;

    private final MutableClock clock = new MutableClock(START);
    private DevelopmentIssuer issuer;
    private TokenValidator validator;

    @BeforeEach
    void setUp() throws Exception {
        issuer = DevelopmentIssuer.loadOrCreate(state, ISSUER, AUDIENCE, clock);
        validator = issuer.validator();
    }

    // ---- time window ----

    @Test
    void expiredBeyondSkewIsRejected() {
        String token = issuer.mint("alice", TTL);
        clock.advance(TTL.plusSeconds(60));
        assertRejected(token, Reason.EXPIRED);
    }

    @Test
    void expiredWithinSkewIsAccepted() throws Exception {
        String token = issuer.mint("alice", TTL);
        clock.advance(TTL.plusSeconds(59));
        assertThat(validator.validate(token).userName()).isEqualTo("alice");
    }

    @Test
    void clockSkewIsConfigurable() throws Exception {
        String token = issuer.mint("alice", TTL);
        clock.advance(TTL.plusSeconds(1));
        assertThat(validator.validate(token).userName()).isEqualTo("alice");
        assertRejected(issuer.validator(Duration.ZERO), token, Reason.EXPIRED);
        assertThat(issuer.validator(Duration.ofSeconds(2)).validate(token).userName()).isEqualTo("alice");
    }

    @Test
    void notBeforeBeyondSkewIsRejectedAndWithinSkewAccepted() throws Exception {
        Instant now = clock.instant();
        String early = issuer.mint(issuer.standardClaims("alice", TTL).notBeforeTime(Date.from(now.plusSeconds(61))).build());
        String slightlyEarly = issuer.mint(issuer.standardClaims("alice", TTL).notBeforeTime(Date.from(now.plusSeconds(60))).build());

        assertRejected(early, Reason.NOT_YET_VALID);
        assertThat(validator.validate(slightlyEarly).userName()).isEqualTo("alice");
    }

    @Test
    void notBeforeIsOptional() throws Exception {
        String token = issuer.mint(issuer.standardClaims("alice", TTL).notBeforeTime(null).build());
        assertThat(validator.validate(token).userName()).isEqualTo("alice");
    }

    @Test
    void issuedInTheFutureBeyondSkewIsRejected() {
        String token = issuer.mint(issuer.standardClaims("alice", TTL)
                .issueTime(Date.from(clock.instant().plusSeconds(120))).build());
        assertRejected(token, Reason.NOT_YET_VALID);
    }

    // ---- issuer and audience ----

    @Test
    void wrongAudienceIsRejected() {
        assertRejected(issuer.mint(issuer.standardClaims("alice", TTL).audience("api://something-else").build()),
                Reason.WRONG_AUDIENCE);
        assertRejected(issuer.mint(issuer.standardClaims("alice", TTL).audience(List.of("a", "b")).build()),
                Reason.WRONG_AUDIENCE);
    }

    @Test
    void audienceListContainingOursIsAccepted() throws Exception {
        String token = issuer.mint(issuer.standardClaims("alice", TTL).audience(List.of("other", AUDIENCE)).build());
        assertThat(validator.validate(token).userName()).isEqualTo("alice");
    }

    @Test
    void wrongIssuerIsRejectedAndComparedExactly() {
        assertRejected(issuer.mint(issuer.standardClaims("alice", TTL).issuer("https://evil.test/").build()),
                Reason.WRONG_ISSUER);
        assertRejected(issuer.mint(issuer.standardClaims("alice", TTL).issuer(ISSUER + "/").build()),
                Reason.WRONG_ISSUER);
        assertRejected(issuer.mint(issuer.standardClaims("alice", TTL).issuer(ISSUER.toUpperCase()).build()),
                Reason.WRONG_ISSUER);
    }

    // ---- required claims ----

    @ParameterizedTest
    @ValueSource(strings = {"exp", "iat", "sub", "iss", "aud"})
    void missingRequiredClaimIsRejectedNamingTheClaim(String claim) {
        JWTClaimsSet full = issuer.standardClaims("alice", TTL).build();
        JWTClaimsSet.Builder without = new JWTClaimsSet.Builder();
        full.getClaims().forEach((name, value) -> {
            if (!name.equals(claim)) {
                without.claim(name, value);
            }
        });

        TokenRejectedException e = assertRejected(issuer.mint(without.build()), Reason.MISSING_CLAIM);
        assertThat(e.getMessage()).contains(claim);
    }

    @Test
    void claimsOfTheWrongTypeAreMalformed() {
        assertRejected(issuer.mint(issuer.standardClaims("alice", TTL).claim("exp", "tomorrow").build()),
                Reason.MALFORMED);
        assertRejected(issuer.mint(issuer.standardClaims("alice", TTL).claim("upn", 42).build()), Reason.MALFORMED);
        assertRejected(issuer.mint(issuer.standardClaims("alice", TTL).claim("groups", List.of("g", 7)).build()),
                Reason.MALFORMED);
        assertRejected(issuer.mint(issuer.standardClaims("alice", TTL).claim("tid", Map.of("x", 1)).build()),
                Reason.MALFORMED);
    }

    // ---- user name and principal mapping ----

    @Test
    void userNameFallsBackThroughTheClaimList() throws Exception {
        JWTClaimsSet.Builder noUpn = issuer.standardClaims("alice", TTL).claim("upn", null)
                .claim("preferred_username", "alice-preferred");
        assertThat(validator.validate(issuer.mint(noUpn.build())).userName()).isEqualTo("alice-preferred");

        noUpn.claim("preferred_username", null).claim("unique_name", "CORP\\alice");
        assertThat(validator.validate(issuer.mint(noUpn.build())).userName()).isEqualTo("CORP\\alice");

        noUpn.claim("unique_name", null);
        assertThat(validator.validate(issuer.mint(noUpn.build())).userName()).isEqualTo(issuer.objectIdOf("alice"));

        noUpn.claim("oid", null);
        TokenRejectedException e = assertRejected(issuer.mint(noUpn.build()), Reason.MISSING_CLAIM);
        assertThat(e.getMessage()).contains("upn", "preferred_username");
    }

    @Test
    void unusableUserNameClaimIsRejected() {
        assertRejected(issuer.mint(issuer.standardClaims("alice", TTL).claim("upn", "alice\r\nadmin").build()),
                Reason.MALFORMED);
        assertRejected(issuer.mint(issuer.standardClaims("alice", TTL).claim("upn", "").build()), Reason.MALFORMED);
    }

    @Test
    void groupsRolesAndDeviceAreMapped() throws Exception {
        String token = issuer.mint(issuer.standardClaims("alice", TTL)
                .claim("groups", List.of("g1", "g2"))
                .claim("roles", List.of("Tunnel.User"))
                .claim("deviceid", "dev-123")
                .build());

        Principal principal = validator.validate(token);
        assertThat(principal.groups()).containsExactly("g1", "g2");
        assertThat(principal.roles()).containsExactly("Tunnel.User");
        assertThat(principal.deviceId()).contains("dev-123");
        assertThat(principal.toString()).contains("alice").doesNotContain(token.split("\\.")[2]);
    }

    // ---- algorithm, type, key ----

    @Test
    void unsecuredJwtIsRejected() {
        String token = new PlainJWT(new PlainHeader.Builder().type(JOSEObjectType.JWT).build(),
                issuer.standardClaims("alice", TTL).build()).serialize();
        assertRejected(token, Reason.DISALLOWED_ALGORITHM);
    }

    @Test
    void algNoneHeaderOnASignedTokenIsRejected() {
        String[] parts = issuer.mint("alice", TTL).split("\\.");
        String noneHeader = Base64URL.encode("{\"alg\":\"none\",\"typ\":\"JWT\"}").toString();
        assertRejected(noneHeader + "." + parts[1] + "." + parts[2], Reason.MALFORMED);
        assertRejected(noneHeader + "." + parts[1] + ".", Reason.DISALLOWED_ALGORITHM);
    }

    @Test
    void hmacTokenIsRejectedEvenWithOurKid() throws Exception {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        String token = signWith(new MACSigner(secret), JWSAlgorithm.HS256, issuer.keyId());
        assertRejected(token, Reason.DISALLOWED_ALGORITHM);
    }

    @Test
    void otherAsymmetricAlgorithmsAreRejected() throws Exception {
        String rs256 = signWith(new RSASSASigner(new RSAKeyGenerator(2048).generate()), JWSAlgorithm.RS256, issuer.keyId());
        String es384 = signWith(new ECDSASigner(new ECKeyGenerator(Curve.P_384).generate()), JWSAlgorithm.ES384, issuer.keyId());
        assertRejected(rs256, Reason.DISALLOWED_ALGORITHM);
        assertRejected(es384, Reason.DISALLOWED_ALGORITHM);
    }

    @Test
    void tokenSignedByAnotherKeyWithOurKidHasABadSignature() throws Exception {
        String token = signWith(new ECDSASigner(new ECKeyGenerator(Curve.P_256).generate()), JWSAlgorithm.ES256,
                issuer.keyId());
        assertRejected(token, Reason.BAD_SIGNATURE);
    }

    @Test
    void keyEmbeddedInTheHeaderIsIgnored() throws Exception {
        var attackerKey = new ECKeyGenerator(Curve.P_256).generate();
        SignedJWT jwt = new SignedJWT(header().jwk(attackerKey.toPublicJWK()).build(),
                issuer.standardClaims("alice", TTL).build());
        jwt.sign(new ECDSASigner(attackerKey));

        assertRejected(jwt.serialize(), Reason.BAD_SIGNATURE);
    }

    @Test
    void unknownOrMissingKidIsRejected() {
        JWTClaimsSet claims = issuer.standardClaims("alice", TTL).build();
        String unknown = issuer.sign(header().keyID("some-other-key").build(), claims);
        String missing = issuer.sign(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).build(), claims);

        assertRejected(unknown, Reason.UNKNOWN_KEY);
        assertRejected(missing, Reason.UNKNOWN_KEY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"JOSE+JSON", "JOSE", "jwt+extra", "application/json", "id_token+jwt"})
    void otherTypValuesAreRejected(String typ) {
        String token = issuer.sign(header().type(new JOSEObjectType(typ)).build(), issuer.standardClaims("alice", TTL).build());
        assertRejected(token, Reason.WRONG_TYPE);
    }

    @Test
    void missingTypIsRejected() {
        String token = issuer.sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(issuer.keyId()).build(),
                issuer.standardClaims("alice", TTL).build());
        assertRejected(token, Reason.WRONG_TYPE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"JWT", "jwt", "at+jwt", "AT+JWT", "application/at+jwt", "application/jwt"})
    void jwtAndAccessTokenTypesAreAcceptedCaseInsensitively(String typ) throws Exception {
        String token = issuer.sign(header().type(new JOSEObjectType(typ)).build(), issuer.standardClaims("alice", TTL).build());
        assertThat(validator.validate(token).userName()).isEqualTo("alice");
    }

    // ---- tampering ----

    @Test
    void tamperedPayloadHasABadSignature() throws Exception {
        String[] parts = issuer.mint("alice", TTL).split("\\.");
        Map<String, Object> claims = JSONObjectUtils.parse(new Base64URL(parts[1]).decodeToString());
        claims.put("upn", "admin");
        String tampered = parts[0] + "." + Base64URL.encode(JSONObjectUtils.toJSONString(claims)) + "." + parts[2];

        assertRejected(tampered, Reason.BAD_SIGNATURE);
    }

    @Test
    void tamperedSignatureIsRejected() {
        String[] parts = issuer.mint("alice", TTL).split("\\.");
        byte[] signature = new Base64URL(parts[2]).decode();
        signature[10] ^= 0x01;
        String flipped = parts[0] + "." + parts[1] + "." + Base64URL.encode(signature);
        byte[] shortened = java.util.Arrays.copyOf(signature, 63);
        String truncated = parts[0] + "." + parts[1] + "." + Base64URL.encode(shortened);

        assertRejected(flipped, Reason.BAD_SIGNATURE);
        assertRejected(truncated, Reason.BAD_SIGNATURE);
        assertRejected(parts[0] + "." + parts[1] + ".", Reason.MALFORMED);
    }

    @Test
    void nonCanonicalSignatureSpellingIsRejected() throws Exception {
        String token = issuer.mint("alice", TTL);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int last = alphabet.indexOf(token.charAt(token.length() - 1));
        // 64 signature bytes use only the top 2 bits of the last character; change one of the unused bits
        char sameBytes = alphabet.charAt((last & 0b110000) | ((last + 1) & 0b001111));
        String respelled = token.substring(0, token.length() - 1) + sameBytes;
        assertThat(new Base64URL(respelled.split("\\.")[2]).decode())
                .as("precondition: the respelled signature decodes to the same bytes")
                .isEqualTo(new Base64URL(token.split("\\.")[2]).decode());

        assertRejected(respelled, Reason.MALFORMED);
        assertThat(validator.validate(token).userName()).isEqualTo("alice");
    }

    // ---- encrypted and garbage input ----

    @Test
    void encryptedTokenIsRejected() throws Exception {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        EncryptedJWT jwe = new EncryptedJWT(new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A256GCM)
                .type(JOSEObjectType.JWT).keyID(issuer.keyId()).build(), issuer.standardClaims("alice", TTL).build());
        jwe.encrypt(new DirectEncrypter(key));

        assertRejected(jwe.serialize(), Reason.ENCRYPTED_TOKEN);
    }

    @Test
    void notAJwtIsMalformed() {
        String header = Base64URL.encode("{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"" + issuer.keyId() + "\"}").toString();
        String signature = issuer.mint("alice", TTL).split("\\.")[2];
        List<String> garbage = List.of(
                "hello",
                "a.b.c",
                "a.b",
                "...",
                "a.b.c.d",
                "a.b.c.d.e.f",
                Base64URL.encode("[1,2]") + ".e30." + signature,
                Base64URL.encode("{\"typ\":\"JWT\"}") + ".e30." + signature,
                header + "." + Base64URL.encode("not json") + "." + signature,
                header + "." + Base64URL.encode("[\"array\"]") + "." + signature,
                header + ".e30." + signature + ".x.y",
                Base64URL.encode("[".repeat(5000)) + ".e30." + signature,
                header + "." + Base64URL.encode("{\"a\":" + "[".repeat(5000)) + "." + signature,
                "eyJhbGciOiJFUzI1NiJ9.e30.abc=",
                "eyJhbGciOiJFUzI1NiJ9.e30.abc+/");

        for (String token : garbage) {
            assertRejected(token, Reason.MALFORMED);
        }
    }

    @Test
    void emptyAndBlankTokensAreEmpty() {
        assertRejected(null, Reason.EMPTY);
        assertRejected("", Reason.EMPTY);
        assertRejected("   ", Reason.EMPTY);
        assertRejected("\n", Reason.EMPTY);
    }

    @Test
    void whitespaceOrControlCharactersAnywhereAreMalformed() {
        String token = issuer.mint("alice", TTL);
        for (String variant : List.of(token + "\n", token + "\r\n", " " + token, token + " ", "Bearer " + token,
                token.substring(0, 20) + "\u0000" + token.substring(20), token.replace('.', '\u2024'))) {
            assertRejected(variant, Reason.MALFORMED);
        }
    }

    @Test
    void oversizedInputIsRejectedBeforeParsing() {
        // characters that would be MALFORMED if the size check did not come first
        assertRejected("\n".repeat(TokenLimits.MAX_TOKEN_CHARS + 1), Reason.TOO_LARGE);
        assertRejected("!".repeat(4 * 1024 * 1024), Reason.TOO_LARGE);
        // at the limit the same garbage gets past the size check and fails later
        assertRejected("!".repeat(TokenLimits.MAX_TOKEN_CHARS), Reason.MALFORMED);
    }

    @Test
    void oversizedButOtherwiseValidTokenIsRejected() {
        String big = issuer.mint(issuer.standardClaims("alice", TTL).claim("pad", "p".repeat(13_000)).build());
        assertThat(big.length()).isGreaterThan(TokenLimits.MAX_TOKEN_CHARS);
        assertRejected(big, Reason.TOO_LARGE);

        String largeButAllowed = issuer.mint(issuer.standardClaims("alice", TTL).claim("pad", "p".repeat(11_500)).build());
        assertThat(largeButAllowed.length()).isBetween(15_000, TokenLimits.MAX_TOKEN_CHARS);
        assertThat(catchValidation(largeButAllowed)).isNull();
    }

    @Test
    void messagesNameTheReasonOnly() {
        String token = issuer.mint(issuer.standardClaims("alice", TTL).issuer("https://evil.test/").build());
        TokenRejectedException e = assertRejected(token, Reason.WRONG_ISSUER);

        assertThat(e.getMessage()).startsWith("token rejected: WRONG_ISSUER").doesNotContain("evil");
        assertThat(new TokenRejectedException(Reason.EXPIRED).getMessage())
                .isEqualTo("token rejected: EXPIRED (the token has expired)");
    }

    // ---- policy ----

    @Test
    void policyRefusesSymmetricAndNoneAlgorithmsAndBadSkews() {
        assertThatThrownBy(() -> ValidationPolicy.of(ISSUER, AUDIENCE, JWSAlgorithm.HS256))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("HS256");
        assertThatThrownBy(() -> ValidationPolicy.of(ISSUER, AUDIENCE, new JWSAlgorithm("none")))
                .isInstanceOf(IllegalArgumentException.class);
        ValidationPolicy policy = ValidationPolicy.of(ISSUER, AUDIENCE, JWSAlgorithm.ES256);
        assertThatThrownBy(() -> policy.withClockSkew(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> policy.withClockSkew(Duration.ofHours(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ValidationPolicy.of(" ", AUDIENCE, JWSAlgorithm.ES256))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---- helpers ----

    private JWSHeader.Builder header() {
        return new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).keyID(issuer.keyId());
    }

    private String signWith(JWSSigner signer, JWSAlgorithm algorithm, String kid) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).type(JOSEObjectType.JWT).keyID(kid).build(),
                issuer.standardClaims("alice", TTL).build());
        jwt.sign(signer);
        return jwt.serialize();
    }

    private TokenRejectedException catchValidation(String token) {
        return catchThrowableOfType(TokenRejectedException.class, () -> validator.validate(token));
    }

    private TokenRejectedException assertRejected(String token, Reason reason) {
        return assertRejected(validator, token, reason);
    }

    private static TokenRejectedException assertRejected(TokenValidator validator, String token, Reason reason) {
        TokenRejectedException e = catchThrowableOfType(TokenRejectedException.class, () -> validator.validate(token));
        assertThat(e).as("expected %s for %s", reason, describe(token)).isNotNull();
        assertThat(e.reason()).as("reason for %s (message: %s)", describe(token), e.getMessage()).isEqualTo(reason);
        assertNoTokenLeak(e, token);
        return e;
    }

    private static String describe(String token) {
        if (token == null) {
            return "null";
        }
        String head = token.length() > 60 ? token.substring(0, 60) + "..." : token;
        return "token of " + token.length() + " chars starting " + head.replace("\n", "\\n");
    }
}
