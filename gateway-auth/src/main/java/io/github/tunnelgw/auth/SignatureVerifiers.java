package io.github.tunnelgw.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.proc.JWSVerifierFactory;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

import java.security.Key;
import java.security.Provider;
import java.security.interfaces.ECPublicKey;
import java.util.Set;

/**
 * Chooses the JCA provider that checks a token's signature. ES256 (the development issuer, some OIDC issuers) goes
 * to Bouncy Castle: the JDK 25 ECDSA verification builds a fresh point table for every public key use and costs
 * ~700 µs on this class of machine, Bouncy Castle's ~230 µs, which is a tenth of a whole login. RS256 and PS256
 * (Entra ID, AD FS) stay with the JDK, whose RSA verification (~40 µs) is the faster one.
 *
 * <p>Bouncy Castle is used as a provider instance only; it is not registered with {@code java.security.Security},
 * so nothing else in the process changes provider.
 */
final class SignatureVerifiers implements JWSVerifierFactory {
    private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();

    private final DefaultJWSVerifierFactory jdk = new DefaultJWSVerifierFactory();
    private final DefaultJWSVerifierFactory bouncyCastle = new DefaultJWSVerifierFactory();

    SignatureVerifiers() {
        bouncyCastle.getJCAContext().setProvider(BOUNCY_CASTLE);
    }

    @Override
    public JWSVerifier createJWSVerifier(JWSHeader header, Key key) throws JOSEException {
        return (key instanceof ECPublicKey ? bouncyCastle : jdk).createJWSVerifier(header, key);
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
