package io.github.tunnelgw.core.tls;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** A key belongs to a certificate exactly when a probe it signs verifies with the certificate's public key. */
class KeyMatchTest {
    private static KeyPair ec;
    private static KeyPair rsa;
    private static X509Certificate ecCertificate;
    private static X509Certificate rsaCertificate;

    @BeforeAll
    static void makeKeys() throws Exception {
        ec = TestCertificates.ecKeyPair();
        rsa = TestCertificates.rsaKeyPair(2048);
        Instant now = Instant.now();
        ecCertificate = TestCertificates.selfSigned(ec, now, now.plus(Duration.ofDays(30)));
        rsaCertificate = TestCertificates.selfSigned(rsa, now, now.plus(Duration.ofDays(30)));
    }

    @Test
    void ownKeysMatch() {
        assertThat(KeyMatch.matches(ec.getPrivate(), ecCertificate)).isTrue();
        assertThat(KeyMatch.matches(rsa.getPrivate(), rsaCertificate)).isTrue();
    }

    @Test
    void anotherKeyOfTheSameTypeDoesNotMatch() throws Exception {
        assertThat(KeyMatch.matches(TestCertificates.ecKeyPair().getPrivate(), ecCertificate)).isFalse();
        assertThat(KeyMatch.matches(TestCertificates.rsaKeyPair(2048).getPrivate(), rsaCertificate)).isFalse();
    }

    @Test
    void keysOfAnotherAlgorithmDoNotMatch() {
        assertThat(KeyMatch.matches(rsa.getPrivate(), ecCertificate)).isFalse();
        assertThat(KeyMatch.matches(ec.getPrivate(), rsaCertificate)).isFalse();
    }

    @Test
    void unsupportedKeyTypeDoesNotMatch() throws Exception {
        KeyPair dsa = KeyPairGenerator.getInstance("DSA").generateKeyPair();

        assertThat(KeyMatch.matches(dsa.getPrivate(), ecCertificate)).isFalse();
    }
}
