package io.github.tunnelgw.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.github.tunnelgw.auth.AccessTokenClaimsVerifier.ClaimRejectedException;
import io.github.tunnelgw.auth.TokenRejectedException.Reason;
import java.security.Key;
import java.text.ParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Validates compact-JWS access tokens for one issuer with nimbus's {@link DefaultJWTProcessor}. Used unchanged
 * for every issuer profile: only the {@link ValidationPolicy} and the {@link JWKSource} differ.
 *
 * <p>Steps, in the order a token meets them:
 * <ol>
 *   <li>shape: size limit, alphabet, part count ({@link TokenLimits}) — before any decoding;</li>
 *   <li>parse: JWE and unsecured JWTs are refused here, anything unparseable is MALFORMED;</li>
 *   <li>header: algorithm allowed, {@code typ} accepted, {@code kid} present; every part canonically
 *       base64url-encoded (so a token has exactly one spelling);</li>
 *   <li>nimbus processor: {@code typ} again, key by {@code kid} and algorithm, signature, then
 *       {@link AccessTokenClaimsVerifier};</li>
 *   <li>claims to {@link Principal}.</li>
 * </ol>
 * Steps 1–3 exist so that each refusal gets its precise {@link Reason}; the processor repeats the header checks
 * so that it is safe on its own.
 *
 * <p><b>typ:</b> {@code JWT} (Entra ID, AD FS) and {@code at+jwt} (RFC 9068), each also with the
 * {@code application/} prefix, compared case-insensitively as RFC 7515 §4.1.9 advises for media types. A missing
 * {@code typ} is refused. (ocserv compares {@code "JWT"} case-sensitively; being lenient on case admits no
 * token it would not.)
 *
 * <p>Thread-safe: all state is immutable after construction.
 */
public final class JwsTokenValidator implements TokenValidator {

    static final Set<JOSEObjectType> ACCEPTED_TYPES = Set.of(
            JOSEObjectType.JWT,
            new JOSEObjectType("application/jwt"),
            new JOSEObjectType("at+jwt"),
            new JOSEObjectType("application/at+jwt"));

    private final ValidationPolicy policy;
    private final DefaultJOSEObjectTypeVerifier<SecurityContext> typeVerifier;
    private final JWSVerificationKeySelector<SecurityContext> keySelector;
    private final DefaultJWTProcessor<SecurityContext> processor;

    public JwsTokenValidator(ValidationPolicy policy, JWKSource<SecurityContext> keySource) {
        this.policy = Objects.requireNonNull(policy, "policy");
        // a HashSet, because the verifier asks contains(null) for a missing typ and Set.of() would throw
        this.typeVerifier = new DefaultJOSEObjectTypeVerifier<>(new HashSet<>(ACCEPTED_TYPES));
        this.keySelector = new JWSVerificationKeySelector<>(policy.algorithms(), Objects.requireNonNull(keySource, "keySource"));
        this.processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(typeVerifier);
        processor.setJWSVerifierFactory(new SignatureVerifiers());
        processor.setJWSKeySelector(new KnownKeysOnly(keySelector));
        processor.setJWTClaimsSetVerifier(new AccessTokenClaimsVerifier(policy));
    }

    public ValidationPolicy policy() {
        return policy;
    }

    @Override
    public Principal validate(String bearerToken) throws TokenRejectedException {
        TokenLimits.checkCompactShape(bearerToken);
        SignedJWT jws = parseSigned(bearerToken);
        checkHeader(jws.getHeader());
        checkCanonicalEncoding(jws);
        JWTClaimsSet claims = process(jws);
        return ClaimsToPrincipal.map(claims, policy.userNameClaims());
    }

    private static SignedJWT parseSigned(String token) throws TokenRejectedException {
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException | RuntimeException e) {
            throw new TokenRejectedException(Reason.MALFORMED);
        }
        return switch (jwt) {
            case SignedJWT signed -> signed;
            case EncryptedJWT encrypted -> throw new TokenRejectedException(Reason.ENCRYPTED_TOKEN);
            case PlainJWT plain -> throw new TokenRejectedException(Reason.DISALLOWED_ALGORITHM, "unsecured JWT");
            default -> throw new TokenRejectedException(Reason.MALFORMED);
        };
    }

    private void checkHeader(JWSHeader header) throws TokenRejectedException {
        if (!keySelector.isAllowed(header.getAlgorithm())) {
            throw new TokenRejectedException(Reason.DISALLOWED_ALGORITHM);
        }
        try {
            typeVerifier.verify(header.getType(), null);
        } catch (BadJOSEException e) {
            throw new TokenRejectedException(Reason.WRONG_TYPE);
        }
        if (header.getKeyID() == null || header.getKeyID().isBlank()) {
            throw new TokenRejectedException(Reason.UNKNOWN_KEY, "no kid header");
        }
    }

    /**
     * Base64url leaves unused low bits in a part's last character; decoders ignore them, so without this check
     * one signature could be spelled several ways and a "mutated" token would still verify.
     */
    private static void checkCanonicalEncoding(SignedJWT jws) throws TokenRejectedException {
        for (Base64URL part : jws.getParsedParts()) {
            if (!Base64URL.encode(part.decode()).toString().equals(part.toString())) {
                throw new TokenRejectedException(Reason.MALFORMED, "non-canonical base64url");
            }
        }
    }

    private JWTClaimsSet process(SignedJWT jws) throws TokenRejectedException {
        try {
            return processor.process(jws, null);
        } catch (ClaimRejectedException e) {
            throw e.toRejection();
        } catch (UnknownKeyException | RateLimitReachedException e) {
            // a rate-limited refetch means the kid was not in the freshly fetched set either
            throw new TokenRejectedException(Reason.UNKNOWN_KEY);
        } catch (KeySourceException e) {
            throw new TokenRejectedException(Reason.ISSUER_UNAVAILABLE);
        } catch (BadJWSException e) {
            throw new TokenRejectedException(Reason.BAD_SIGNATURE);
        } catch (BadJWTException e) {
            // the payload is not a JSON object, or a registered claim has the wrong type
            throw new TokenRejectedException(Reason.MALFORMED, "claims are not a valid JWT claims set");
        } catch (BadJOSEException | JOSEException e) {
            // no verifier for the selected key, or the verifier failed on the signature bytes
            throw new TokenRejectedException(Reason.BAD_SIGNATURE);
        } catch (RuntimeException e) {
            throw new TokenRejectedException(Reason.MALFORMED);
        }
    }

    /** Turns "no key matches kid and algorithm" into its own exception instead of nimbus's generic one. */
    private record KnownKeysOnly(JWSKeySelector<SecurityContext> delegate) implements JWSKeySelector<SecurityContext> {
        @Override
        public List<? extends Key> selectJWSKeys(JWSHeader header, SecurityContext context) throws KeySourceException {
            List<? extends Key> keys = delegate.selectJWSKeys(header, context);
            if (keys == null || keys.isEmpty()) {
                throw new UnknownKeyException();
            }
            return keys;
        }
    }

    private static final class UnknownKeyException extends KeySourceException {
        UnknownKeyException() {
            super("no key matches the token's kid and algorithm");
        }
    }
}
