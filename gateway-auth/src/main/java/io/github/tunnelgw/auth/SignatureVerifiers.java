package io.github.tunnelgw.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.proc.JWSVerifierFactory;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.Provider;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Chooses the JCA provider that checks a token's signature. ES256 (the development issuer, some OIDC issuers) goes
 * to Bouncy Castle: the JDK 25 ECDSA verification builds a fresh point table for every public key use and costs
 * ~700 µs on this class of machine, Bouncy Castle's ~230 µs, which is a tenth of a whole login. RS256 and PS256
 * (Entra ID, AD FS) stay with the JDK, whose RSA verification (~40 µs) is the faster one.
 *
 * <p>Each EC key is handed to Bouncy Castle as its own key object, made once per key and kept: Bouncy Castle keeps
 * the point table it builds for a public key on that object, and nimbus makes a new JDK key object from the JWK
 * for every token, so without the kept object every check built the table again (~250 µs a check; ~110 µs with
 * it, measured on this class of machine). At most {@link #MAX_CACHED_KEYS} keys are kept; an issuer's JWKS holds a
 * handful, and the cache only ever maps a key to the same key in another form, so it cannot make a key valid.
 *
 * <p>Bouncy Castle is used as a provider instance only; it is not registered with {@code java.security.Security},
 * so nothing else in the process changes provider.
 */
final class SignatureVerifiers implements JWSVerifierFactory {
    private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();
    static final int MAX_CACHED_KEYS = 64;

    private final Map<ByteBuffer, ECPublicKey> bouncyCastleKeys = new ConcurrentHashMap<>();

    private final DefaultJWSVerifierFactory jdk = new DefaultJWSVerifierFactory();
    private final DefaultJWSVerifierFactory bouncyCastle = new DefaultJWSVerifierFactory();

    SignatureVerifiers() {
        bouncyCastle.getJCAContext().setProvider(BOUNCY_CASTLE);
    }

    @Override
    public JWSVerifier createJWSVerifier(JWSHeader header, Key key) throws JOSEException {
        if (key instanceof ECPublicKey ecKey) {
            return bouncyCastle.createJWSVerifier(header, bouncyCastleKey(ecKey));
        }
        return jdk.createJWSVerifier(header, key);
    }

    /** The same public key as a Bouncy Castle key object, the one made the first time this key was seen. */
    ECPublicKey bouncyCastleKey(ECPublicKey key) throws JOSEException {
        ByteBuffer encoded = ByteBuffer.wrap(key.getEncoded());
        ECPublicKey known = bouncyCastleKeys.get(encoded);
        if (known != null) {
            return known;
        }
        ECPublicKey converted;
        try {
            converted = (ECPublicKey) KeyFactory.getInstance("EC", BOUNCY_CASTLE)
                    .generatePublic(new X509EncodedKeySpec(encoded.array()));
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new JOSEException("the EC public key cannot be read by Bouncy Castle: " + e.getMessage(), e);
        }
        if (bouncyCastleKeys.size() >= MAX_CACHED_KEYS) {
            bouncyCastleKeys.clear();
        }
        bouncyCastleKeys.put(encoded, converted);
        return converted;
    }

    int cachedKeys() {
        return bouncyCastleKeys.size();
    }

    @Override
    public Set<com.nimbusds.jose.JWSAlgorithm> supportedJWSAlgorithms() {
        return jdk.supportedJWSAlgorithms();
    }

    @Override
    public JCAContext getJCAContext() {
        return jdk.getJCAContext();
    }
}
