package io.github.tunnelgw.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.Base64URL;
import org.junit.jupiter.api.Test;

import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;

import static org.assertj.core.api.Assertions.assertThat;

class SignatureVerifiersTest {
    private final SignatureVerifiers verifiers = new SignatureVerifiers();

    @Test
    void es256IsCheckedByBouncyCastleAndStillRefusesATamperedSignature() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = generator.generateKeyPair();
        JWSObject jws = new JWSObject(new JWSHeader(JWSAlgorithm.ES256), new Payload("{\"sub\":\"alice\"}"));
        jws.sign(new ECDSASigner((ECPrivateKey) keys.getPrivate()));

        JWSVerifier verifier = verifiers.createJWSVerifier(jws.getHeader(), keys.getPublic());

        assertThat(verifier.getJCAContext().getProvider()).isNotNull();
        assertThat(verifier.getJCAContext().getProvider().getName()).isEqualTo("BC");
        assertThat(jws.verify(verifier)).isTrue();
        byte[] signature = jws.getSignature().decode();
        signature[5] ^= 1;
        JWSObject tampered = new JWSObject(jws.getHeader().toBase64URL(), jws.getPayload().toBase64URL(),
                Base64URL.encode(signature));
        assertThat(tampered.verify(verifiers.createJWSVerifier(jws.getHeader(), (ECPublicKey) keys.getPublic())))
                .isFalse();
    }

    @Test
    void anEcKeyIsConvertedOnceAndItsConvertedFormIsReusedForEveryToken() throws Exception {
        KeyPair keys = ecKeyPair();
        ECPublicKey first = verifiers.bouncyCastleKey((ECPublicKey) keys.getPublic());
        // nimbus makes a new JDK key object from the JWK for every token: an equal key, another object
        ECPublicKey sameKeyAnotherObject = (ECPublicKey) KeyFactory.getInstance("EC")
                .generatePublic(new X509EncodedKeySpec(keys.getPublic().getEncoded()));

        assertThat(first.getClass().getName()).startsWith("org.bouncycastle.");
        assertThat(first.getW()).isEqualTo(((ECPublicKey) keys.getPublic()).getW());
        assertThat(verifiers.bouncyCastleKey(sameKeyAnotherObject)).isSameAs(first);
        assertThat(verifiers.bouncyCastleKey(sameKeyAnotherObject)).isSameAs(first);
        assertThat(verifiers.cachedKeys()).isEqualTo(1);
    }

    @Test
    void aTokenSignedByAnotherKeyIsRefusedAfterAGoodKeyWasCached() throws Exception {
        KeyPair good = ecKeyPair();
        KeyPair other = ecKeyPair();
        JWSObject signedByOther = new JWSObject(new JWSHeader(JWSAlgorithm.ES256), new Payload("{\"sub\":\"eve\"}"));
        signedByOther.sign(new ECDSASigner((ECPrivateKey) other.getPrivate()));
        JWSObject signedByGood = new JWSObject(new JWSHeader(JWSAlgorithm.ES256), new Payload("{\"sub\":\"al\"}"));
        signedByGood.sign(new ECDSASigner((ECPrivateKey) good.getPrivate()));

        assertThat(signedByGood.verify(verifiers.createJWSVerifier(signedByGood.getHeader(), good.getPublic()))).isTrue();
        assertThat(signedByOther.verify(verifiers.createJWSVerifier(signedByOther.getHeader(), good.getPublic())))
                .isFalse();
        assertThat(signedByOther.verify(verifiers.createJWSVerifier(signedByOther.getHeader(), other.getPublic())))
                .isTrue();
    }

    @Test
    void theKeyCacheStaysBounded() throws Exception {
        for (int i = 0; i < SignatureVerifiers.MAX_CACHED_KEYS + 5; i++) {
            verifiers.bouncyCastleKey((ECPublicKey) ecKeyPair().getPublic());
            assertThat(verifiers.cachedKeys()).isBetween(1, SignatureVerifiers.MAX_CACHED_KEYS);
        }
    }

    private static KeyPair ecKeyPair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    @Test
    void rsaSignaturesStayWithTheJdk() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        JWSObject jws = new JWSObject(new JWSHeader(JWSAlgorithm.RS256), new Payload("{\"sub\":\"bob\"}"));
        jws.sign(new RSASSASigner(keys.getPrivate()));

        JWSVerifier verifier = verifiers.createJWSVerifier(jws.getHeader(), keys.getPublic());

        assertThat(verifier.getJCAContext().getProvider()).as("null: the JDK's default providers").isNull();
        assertThat(jws.verify(verifier)).isTrue();
    }
}
