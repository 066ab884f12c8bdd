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

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;

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
