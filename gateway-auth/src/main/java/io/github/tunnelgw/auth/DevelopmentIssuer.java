package io.github.tunnelgw.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Objects;
import java.util.UUID;

/**
 * The built-in token issuer for development and tests: ES256 tokens shaped like Entra ID v2 access tokens,
 * signed with a key kept in the state directory. Its {@link #validator()} is the same
 * {@link JwsTokenValidator} a real issuer uses, fed the public key as a fixed JWK set, so a dev token passes
 * exactly the checks a production token must pass.
 *
 * <p>Thread-safe.
 */
public final class DevelopmentIssuer {

    public static final String KEY_FILE_NAME = DevelopmentIssuerKeyFile.FILE_NAME;
    public static final Duration MAX_TTL = Duration.ofHours(24);
    public static final int MAX_USER_NAME_LENGTH = UserNames.MAX_LENGTH;

    private final ECKey signingKey;
    private final ECDSASigner signer;
    private final JWKSet publicKeys;
    private final String issuerUrl;
    private final String audience;
    private final String tenantId;
    private final Clock clock;
    private final TokenValidator defaultValidator;

    private DevelopmentIssuer(ECKey signingKey, String issuerUrl, String audience, Clock clock) throws JOSEException {
        this.signingKey = signingKey;
        this.signer = new ECDSASigner(signingKey);
        this.publicKeys = new JWKSet(signingKey.toPublicJWK());
        this.issuerUrl = issuerUrl;
        this.audience = audience;
        this.tenantId = nameBasedUuid("tunnelgw-dev-tenant:" + signingKey.getKeyID());
        this.clock = clock;
        this.defaultValidator = validator(ValidationPolicy.DEFAULT_CLOCK_SKEW);
    }

    /**
     * An issuer whose key lives in memory only, new on every call: for tokens that must never be accepted anywhere
     * else (the gateway's start-up warm-up logs in to itself with one).
     */
    public static DevelopmentIssuer inMemory(String issuerUrl, String audience) throws IOException {
        requireText(issuerUrl, "issuerUrl");
        requireText(audience, "audience");
        try {
            return new DevelopmentIssuer(DevelopmentIssuerKeyFile.generate(), issuerUrl, audience, Clock.systemUTC());
        } catch (JOSEException e) {
            throw new IOException("an in-memory development issuer key cannot sign", e);
        }
    }

    /** Same as {@link #loadOrCreate(Path, String, String, Clock)} with the system clock. */
    public static DevelopmentIssuer loadOrCreate(Path stateDirectory, String issuerUrl, String audience)
            throws IOException {
        return loadOrCreate(stateDirectory, issuerUrl, audience, Clock.systemUTC());
    }

    /**
     * Loads the key from {@code <stateDirectory>/dev-issuer-key.json}, creating directory (mode 0700) and key
     * (mode 0600) if missing.
     *
     * @throws IOException if the directory cannot be created or the key file is unreadable or corrupt (the
     *                     message names the file; the file is left as it was)
     */
    public static DevelopmentIssuer loadOrCreate(Path stateDirectory, String issuerUrl, String audience, Clock clock)
            throws IOException {
        Objects.requireNonNull(stateDirectory, "stateDirectory");
        requireText(issuerUrl, "issuerUrl");
        requireText(audience, "audience");
        Objects.requireNonNull(clock, "clock");
        ECKey key = DevelopmentIssuerKeyFile.loadOrCreate(stateDirectory);
        try {
            return new DevelopmentIssuer(key, issuerUrl, audience, clock);
        } catch (JOSEException e) {
            throw new IOException("development issuer key in " + stateDirectory + " cannot sign", e);
        }
    }

    public String issuerUrl() {
        return issuerUrl;
    }

    public String audience() {
        return audience;
    }

    /** The key id: the signing key's RFC 7638 JWK thumbprint. */
    public String keyId() {
        return signingKey.getKeyID();
    }

    /** The fixed tenant GUID put in {@code tid}, derived from the key so it is stable for this state directory. */
    public String tenantId() {
        return tenantId;
    }

    /** The public key as a JWK set, e.g. to publish at a JWKS endpoint. */
    public JWKSet publicKeys() {
        return publicKeys;
    }

    /** A signed token for {@code userName} valid from now for {@code ttl}. */
    public String mint(String userName, Duration ttl) {
        return mint(standardClaims(userName, ttl).build());
    }

    /**
     * The claims {@link #mint(String, Duration)} would sign, as a builder, so a test can change one thing
     * (expiry, audience, ...) and sign the result with {@link #mint(JWTClaimsSet)}.
     *
     * @throws IllegalArgumentException if the user name is blank, too long or has control characters, or the
     *                                  ttl is not in (0, 24h]
     */
    public JWTClaimsSet.Builder standardClaims(String userName, Duration ttl) {
        String problem = UserNames.problem(userName);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("ttl must be more than 0 and at most " + MAX_TTL + ", was " + ttl);
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        String objectId = objectIdOf(userName);
        return new JWTClaimsSet.Builder()
                .issuer(issuerUrl)
                .audience(audience)
                .subject(objectId)
                .claim("upn", userName)
                .claim("preferred_username", userName)
                .claim("oid", objectId)
                .claim("tid", tenantId)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .jwtID(UUID.randomUUID().toString());
    }

    /** Signs arbitrary claims with the standard header (ES256, typ JWT, kid). No claim is checked. */
    public String mint(JWTClaimsSet claims) {
        return sign(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).keyID(keyId()).build(), claims);
    }

    /** Signs with any header, for tests of odd tokens (wrong typ, unknown kid). */
    String sign(JWSHeader header, JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("signing with the development issuer key failed", e);
        }
        return jwt.serialize();
    }

    /** The stable {@code oid}/{@code sub} of a user name under this issuer. */
    public String objectIdOf(String userName) {
        return nameBasedUuid("tunnelgw-dev-user:" + tenantId + ":" + userName);
    }

    /** Validator with the default 60 s clock skew. */
    public TokenValidator validator() {
        return defaultValidator;
    }

    public TokenValidator validator(Duration clockSkew) {
        ValidationPolicy policy = ValidationPolicy.of(issuerUrl, audience, JWSAlgorithm.ES256)
                .withClockSkew(clockSkew)
                .withClock(clock);
        return new JwsTokenValidator(policy, new ImmutableJWKSet<>(publicKeys));
    }

    @Override
    public String toString() {
        return "DevelopmentIssuer[issuer=" + issuerUrl + ", audience=" + audience + ", kid=" + keyId() + "]";
    }

    private static String nameBasedUuid(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank() || !value.strip().equals(value)) {
            throw new IllegalArgumentException(name + " must be non-blank without surrounding whitespace");
        }
    }
}
