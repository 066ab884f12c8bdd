package io.github.tunnelgw.core.tls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The embedded default's certificate: made once, kept across restarts, replaced only when expired. */
class SelfSignedCertificateTest {
    private static final int DNS_NAME = 2;
    private static final int IP_ADDRESS = 7;
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

    @TempDir
    Path state;

    @Test
    void isCreatedOnceAndReusedFromDisk() throws Exception {
        ServerCredentials created = SelfSignedCertificate.loadOrCreate(state, List.of());
        ServerCredentials reused = SelfSignedCertificate.loadOrCreate(state, List.of());

        assertThat(reused.leaf().getEncoded()).isEqualTo(created.leaf().getEncoded());
        assertThat(reused.privateKey().getEncoded()).isEqualTo(created.privateKey().getEncoded());
        assertThat(CertificatePins.pinSha256(reused.leaf())).isEqualTo(CertificatePins.pinSha256(created.leaf()));
    }

    @Test
    void writesPkcs8KeyAndCertificateThatLoadBackAndOpensslReads() throws Exception {
        ServerCredentials created = SelfSignedCertificate.loadOrCreate(state, List.of());
        Path certificateFile = state.resolve(SelfSignedCertificate.CERTIFICATE_FILE);
        Path keyFile = state.resolve(SelfSignedCertificate.KEY_FILE);

        assertThat(Files.readString(keyFile)).startsWith("-----BEGIN PRIVATE KEY-----");
        ServerCredentials fromDisk = PemCredentialsLoader.load(certificateFile, keyFile);
        assertThat(fromDisk.leaf()).isEqualTo(created.leaf());
        assertThat(fromDisk.privateKey().getEncoded()).isEqualTo(created.privateKey().getEncoded());
        assertThat(Openssl.run(state, "pkey", "-in", keyFile.toString(), "-noout", "-text")).contains("prime256v1");
        assertThat(Openssl.run(state, "x509", "-in", certificateFile.toString(), "-noout", "-ext", "subjectAltName"))
                .contains("DNS:localhost").contains("IP Address:127.0.0.1");
    }

    @Test
    void isAnEcP256ServerCertificate() throws Exception {
        ServerCredentials credentials = SelfSignedCertificate.loadOrCreate(state, List.of());
        X509Certificate leaf = credentials.leaf();

        assertThat(credentials.chain()).hasSize(1);
        assertThat(((ECPrivateKey) credentials.privateKey()).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
        assertThat(leaf.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
        assertThat(leaf.getExtendedKeyUsage()).containsExactly(SERVER_AUTH);
        leaf.verify(leaf.getPublicKey());
    }

    @Test
    void namesLocalhostLoopbackAndExtraHostNames() throws Exception {
        X509Certificate leaf = SelfSignedCertificate.loadOrCreate(state, List.of("vpn.example.com")).leaf();

        List<String> dnsNames = namesOfType(leaf, DNS_NAME);
        List<String> addresses = namesOfType(leaf, IP_ADDRESS);
        assertThat(dnsNames).contains("localhost", "vpn.example.com").doesNotHaveDuplicates();
        assertThat(addresses).contains("127.0.0.1", "0:0:0:0:0:0:0:1").doesNotHaveDuplicates();
    }

    @Test
    void validityIsWithinTheIosLimitAndRaisesNoWarnings() throws Exception {
        Instant before = Instant.now();
        X509Certificate leaf = SelfSignedCertificate.loadOrCreate(state, List.of()).leaf();

        Duration validity = Duration.between(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant());
        assertThat(validity).isLessThanOrEqualTo(Duration.ofDays(398)).isGreaterThan(Duration.ofDays(396));
        assertThat(leaf.getNotBefore().toInstant()).isBeforeOrEqualTo(before);
        assertThat(CertificateWarnings.check(List.of(leaf), Instant.now())).isEmpty();
    }

    @Test
    void keyFileIsReadableByOwnerOnlyAndNoTemporaryFileRemains() throws Exception {
        SelfSignedCertificate.loadOrCreate(state, List.of());

        assertThat(Files.getPosixFilePermissions(state.resolve(SelfSignedCertificate.KEY_FILE)))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        try (Stream<Path> files = Files.list(state)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(SelfSignedCertificate.CERTIFICATE_FILE, SelfSignedCertificate.KEY_FILE);
        }
    }

    @Test
    void failedWriteLeavesNoTemporaryKeyFileBehind() throws Exception {
        // A non-empty directory where the key file belongs makes the final move fail after the key was written.
        Files.createDirectories(state.resolve(SelfSignedCertificate.KEY_FILE).resolve("occupied"));

        assertThatThrownBy(() -> SelfSignedCertificate.loadOrCreate(state, List.of())).isInstanceOf(IOException.class);
        try (Stream<Path> files = Files.list(state)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(SelfSignedCertificate.KEY_FILE);
        }
    }

    @Test
    void createsAMissingStateDirectory() throws Exception {
        Path nested = state.resolve("var/lib/gateway");

        SelfSignedCertificate.loadOrCreate(nested, List.of());

        assertThat(nested.resolve(SelfSignedCertificate.CERTIFICATE_FILE)).isRegularFile();
        assertThat(nested.resolve(SelfSignedCertificate.KEY_FILE)).isRegularFile();
    }

    @Test
    void expiredStoredCertificateIsReplaced() throws Exception {
        KeyPair oldPair = TestCertificates.ecKeyPair();
        Instant now = Instant.now();
        X509Certificate expired = TestCertificates.selfSigned(oldPair, now.minus(Duration.ofDays(100)), now.minus(Duration.ofDays(1)));
        store(expired, oldPair);

        ServerCredentials replaced = SelfSignedCertificate.loadOrCreate(state, List.of());

        assertThat(replaced.leaf()).isNotEqualTo(expired);
        assertThat(replaced.leaf().getNotAfter().toInstant()).isAfter(now.plus(Duration.ofDays(396)));
        assertThat(replaced.privateKey().getEncoded()).isNotEqualTo(oldPair.getPrivate().getEncoded());
        ServerCredentials onDisk = SelfSignedCertificate.loadOrCreate(state, List.of());
        assertThat(onDisk.leaf()).isEqualTo(replaced.leaf());
        assertThat(onDisk.privateKey().getEncoded()).isEqualTo(replaced.privateKey().getEncoded());
    }

    @Test
    void storedCertificateThatIsStillValidIsKeptAsItIs() throws Exception {
        KeyPair pair = TestCertificates.ecKeyPair();
        Instant now = Instant.now();
        X509Certificate stored = TestCertificates.selfSigned(pair, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(10)));
        store(stored, pair);

        ServerCredentials loaded = SelfSignedCertificate.loadOrCreate(state, List.of());

        assertThat(loaded.leaf()).isEqualTo(stored);
        assertThat(loaded.privateKey().getEncoded()).isEqualTo(pair.getPrivate().getEncoded());
    }

    @Test
    void storedPairThatDoesNotMatchIsAnErrorAndIsNotOverwritten() throws Exception {
        KeyPair pair = TestCertificates.ecKeyPair();
        Instant now = Instant.now();
        X509Certificate stored = TestCertificates.selfSigned(pair, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(10)));
        store(stored, TestCertificates.ecKeyPair());
        Path keyFile = state.resolve(SelfSignedCertificate.KEY_FILE);
        Path certificateFile = state.resolve(SelfSignedCertificate.CERTIFICATE_FILE);
        String keyBefore = Files.readString(keyFile);
        String certificateBefore = Files.readString(certificateFile);

        assertThatThrownBy(() -> SelfSignedCertificate.loadOrCreate(state, List.of()))
                .isInstanceOf(CredentialException.class)
                .hasMessageStartingWith(keyFile + ": ");
        assertThat(Files.readString(keyFile)).isEqualTo(keyBefore);
        assertThat(Files.readString(certificateFile)).isEqualTo(certificateBefore);
    }

    private void store(X509Certificate certificate, KeyPair keyPair) throws Exception {
        Files.writeString(state.resolve(SelfSignedCertificate.CERTIFICATE_FILE), TestCertificates.pem(certificate));
        Files.writeString(state.resolve(SelfSignedCertificate.KEY_FILE), TestCertificates.pem(keyPair.getPrivate()));
    }

    private static List<String> namesOfType(X509Certificate certificate, int type) throws Exception {
        return certificate.getSubjectAlternativeNames().stream()
                .filter(name -> (Integer) name.get(0) == type)
                .map(name -> (String) name.get(1))
                .toList();
    }
}
