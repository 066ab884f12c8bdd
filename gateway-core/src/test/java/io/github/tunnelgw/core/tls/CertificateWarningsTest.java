package io.github.tunnelgw.core.tls;

import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Start-up warnings, each provoked by a certificate that has exactly one problem, at a fixed "now". */
class CertificateWarningsTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static KeyPair ec;

    @BeforeAll
    static void makeKey() throws Exception {
        ec = TestCertificates.ecKeyPair();
    }

    @Test
    void sane90DayCertificateHasNoWarnings() throws Exception {
        X509Certificate certificate = TestCertificates.selfSigned(ec, NOW.minus(days(10)), NOW.plus(days(80)),
                KeyPurposeId.id_kp_serverAuth);

        assertThat(CertificateWarnings.check(List.of(certificate), NOW)).isEmpty();
    }

    @Test
    void sane2048BitRsaCertificateWithoutExtendedKeyUsageHasNoWarnings() throws Exception {
        X509Certificate certificate = TestCertificates.selfSigned(TestCertificates.rsaKeyPair(2048),
                NOW.minus(days(1)), NOW.plus(days(89)));

        assertThat(CertificateWarnings.check(List.of(certificate), NOW)).isEmpty();
    }

    @Test
    void validityOf500DaysIsTooLongForIos() throws Exception {
        X509Certificate certificate = TestCertificates.selfSigned(ec, NOW.minus(days(100)), NOW.plus(days(400)),
                KeyPurposeId.id_kp_serverAuth);

        assertThat(CertificateWarnings.check(List.of(certificate), NOW))
                .singleElement().asString().contains("500 days").contains("iOS").contains("398");
    }

    @Test
    void exactly398DaysIsAllowedAndOneMoreDayIsNot() throws Exception {
        X509Certificate limit = TestCertificates.selfSigned(ec, NOW.minus(days(1)), NOW.plus(days(397)));
        X509Certificate over = TestCertificates.selfSigned(ec, NOW.minus(days(1)), NOW.plus(days(398)));

        assertThat(CertificateWarnings.check(List.of(limit), NOW)).isEmpty();
        assertThat(CertificateWarnings.check(List.of(over), NOW)).singleElement().asString().contains("399 days");
    }

    @Test
    void rsaKeyOf1024BitsIsWeak() throws Exception {
        X509Certificate certificate = TestCertificates.selfSigned(TestCertificates.rsaKeyPair(1024),
                NOW.minus(days(1)), NOW.plus(days(89)), KeyPurposeId.id_kp_serverAuth);

        assertThat(CertificateWarnings.check(List.of(certificate), NOW))
                .singleElement().asString().contains("1024 bits").contains("2048");
    }

    @Test
    void expiringIn10DaysIsAnnounced() throws Exception {
        Instant notAfter = NOW.plus(days(10));
        X509Certificate certificate = TestCertificates.selfSigned(ec, NOW.minus(days(80)), notAfter,
                KeyPurposeId.id_kp_serverAuth);

        assertThat(CertificateWarnings.check(List.of(certificate), NOW))
                .containsExactly("expires on " + notAfter + ", within 30 days");
    }

    @Test
    void expiringIn31DaysIsNotYetAnnounced() throws Exception {
        X509Certificate certificate = TestCertificates.selfSigned(ec, NOW.minus(days(59)), NOW.plus(days(31)));

        assertThat(CertificateWarnings.check(List.of(certificate), NOW)).isEmpty();
    }

    @Test
    void alreadyExpiredIsSaidOnceAndNotAsExpiringSoon() throws Exception {
        Instant notAfter = NOW.minus(days(2));
        X509Certificate certificate = TestCertificates.selfSigned(ec, NOW.minus(days(92)), notAfter,
                KeyPurposeId.id_kp_serverAuth);

        assertThat(CertificateWarnings.check(List.of(certificate), NOW)).containsExactly("expired on " + notAfter);
    }

    @Test
    void notYetValidIsAnnounced() throws Exception {
        Instant notBefore = NOW.plus(days(1));
        X509Certificate certificate = TestCertificates.selfSigned(ec, notBefore, notBefore.plus(days(90)));

        assertThat(CertificateWarnings.check(List.of(certificate), NOW)).containsExactly("not valid before " + notBefore);
    }

    @Test
    void extendedKeyUsageWithoutServerAuthIsAnnounced() throws Exception {
        X509Certificate certificate = TestCertificates.selfSigned(ec, NOW.minus(days(1)), NOW.plus(days(89)),
                KeyPurposeId.id_kp_clientAuth);

        assertThat(CertificateWarnings.check(List.of(certificate), NOW))
                .containsExactly("extended key usage does not include serverAuth");
    }

    @Test
    void onlyTheLeafIsChecked() throws Exception {
        X509Certificate leaf = TestCertificates.selfSigned(ec, NOW.minus(days(1)), NOW.plus(days(89)));
        X509Certificate longLivedCa = TestCertificates.selfSigned(ec, NOW.minus(days(1000)), NOW.plus(days(3000)));

        assertThat(CertificateWarnings.check(List.of(leaf, longLivedCa), NOW)).isEmpty();
    }

    @Test
    void severalProblemsGiveSeveralWarnings() throws Exception {
        X509Certificate certificate = TestCertificates.selfSigned(TestCertificates.rsaKeyPair(1024),
                NOW.minus(days(600)), NOW.minus(days(1)), KeyPurposeId.id_kp_codeSigning);

        assertThat(CertificateWarnings.check(List.of(certificate), NOW)).hasSize(4);
    }

    private static Duration days(long days) {
        return Duration.ofDays(days);
    }
}
