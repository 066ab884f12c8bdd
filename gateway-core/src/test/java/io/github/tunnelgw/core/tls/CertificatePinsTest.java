package io.github.tunnelgw.core.tls;

import io.github.tunnelgw.core.tls.OpensslChain.KeyType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The pin must be exactly what openconnect users compute with openssl, or {@code --servercert} fails. */
class CertificatePinsTest {
    @TempDir
    Path dir;

    @Test
    void ecPinEqualsOpensslsSpkiDigest() throws Exception {
        OpensslChain chain = OpensslChain.create(dir, "ec", KeyType.EC);

        assertPinMatchesOpenssl(chain.leafCertificate(),
                PemCredentialsLoader.load(chain.fullChain(), chain.leafKey()).leaf());
    }

    @Test
    void rsaPinEqualsOpensslsSpkiDigest() throws Exception {
        OpensslChain.generateKey(dir, "rsa.key", KeyType.RSA);
        Openssl.run(dir, "req", "-x509", "-key", "rsa.key", "-subj", "/CN=rsa", "-days", "30", "-out", "rsa.pem");

        assertPinMatchesOpenssl(dir.resolve("rsa.pem"), PemCredentialsLoader.load(dir.resolve("rsa.pem"), dir.resolve("rsa.key")).leaf());
    }

    @Test
    void selfSignedCertificatePinEqualsOpensslsSpkiDigest() throws Exception {
        Path state = Files.createDirectories(dir.resolve("state"));
        X509Certificate leaf = SelfSignedCertificate.loadOrCreate(state, List.of()).leaf();

        assertPinMatchesOpenssl(state.resolve(SelfSignedCertificate.CERTIFICATE_FILE), leaf);
    }

    @Test
    void pinFollowsTheKeyNotTheCertificate() throws Exception {
        KeyPair pair = TestCertificates.ecKeyPair();
        Instant now = Instant.now();
        X509Certificate first = TestCertificates.selfSigned(pair, now, now.plus(Duration.ofDays(90)));
        X509Certificate renewed = TestCertificates.selfSigned(pair, now.plus(Duration.ofDays(60)), now.plus(Duration.ofDays(150)));
        X509Certificate otherKey = TestCertificates.selfSigned(TestCertificates.ecKeyPair(), now, now.plus(Duration.ofDays(90)));

        assertThat(CertificatePins.pinSha256(renewed)).isEqualTo(CertificatePins.pinSha256(first));
        assertThat(CertificatePins.pinSha256(otherKey)).isNotEqualTo(CertificatePins.pinSha256(first));
        assertThat(CertificatePins.pinSha256(first)).matches("pin-sha256:[A-Za-z0-9+/]{43}=");
    }

    private void assertPinMatchesOpenssl(Path certificateFile, X509Certificate certificate) throws Exception {
        String expected = Openssl.pipeline(dir, "openssl x509 -pubkey -noout -in '" + certificateFile
                + "' | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64").strip();

        assertThat(CertificatePins.pinSha256(certificate)).isEqualTo("pin-sha256:" + expected);
    }
}
