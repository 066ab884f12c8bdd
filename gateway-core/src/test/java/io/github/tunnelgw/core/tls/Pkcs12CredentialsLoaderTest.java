package io.github.tunnelgw.core.tls;

import io.github.tunnelgw.core.tls.OpensslChain.KeyType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** PFX files as openssl and Windows export them: the key, the chain, and the password handling. */
class Pkcs12CredentialsLoaderTest {
    private static final String PASSWORD = "Pfx-Secret-4711";

    @TempDir
    static Path dir;
    static OpensslChain ecChain;
    static Path ecPfx;

    @BeforeAll
    static void makeFixtures() throws Exception {
        ecChain = OpensslChain.create(dir, "ec", KeyType.EC);
        ecPfx = export(ecChain, "ec.pfx");
    }

    @Test
    void loadsKeyAndChainLeafFirst() throws Exception {
        ServerCredentials credentials = Pkcs12CredentialsLoader.load(ecPfx, PASSWORD.toCharArray());

        assertThat(credentials.chain()).extracting(c -> c.getSubjectX500Principal().getName())
                .containsExactly("CN=ec-leaf", "CN=ec-intermediate");
        assertThat(credentials.privateKey().getEncoded())
                .isEqualTo(PemCredentialsLoader.load(ecChain.fullChain(), ecChain.leafKey()).privateKey().getEncoded());
    }

    @Test
    void loadsWindowsCompatibleRsaPfx() throws Exception {
        OpensslChain rsaChain = OpensslChain.create(dir, "rsa", KeyType.RSA);
        // What older Windows and many appliances produce: 3DES-encrypted bags and a SHA-1 MAC.
        Openssl.run(dir, "pkcs12", "-export", "-inkey", rsaChain.leafKey().toString(),
                "-in", rsaChain.leafCertificate().toString(), "-certfile", rsaChain.intermediateCertificate().toString(),
                "-keypbe", "PBE-SHA1-3DES", "-certpbe", "PBE-SHA1-3DES", "-macalg", "sha1",
                "-passout", "pass:" + PASSWORD, "-out", "rsa-3des.pfx");

        ServerCredentials credentials = Pkcs12CredentialsLoader.load(dir.resolve("rsa-3des.pfx"), PASSWORD.toCharArray());

        assertThat(credentials.chain()).hasSize(2);
        assertThat(((RSAPrivateCrtKey) credentials.privateKey()).getModulus())
                .isEqualTo(((RSAPublicKey) credentials.leaf().getPublicKey()).getModulus());
    }

    @Test
    void loadsPfxExportedWithAnEmptyPassword() throws Exception {
        Openssl.run(dir, "pkcs12", "-export", "-inkey", ecChain.leafKey().toString(), "-in", ecChain.leafCertificate().toString(),
                "-passout", "pass:", "-out", "empty-password.pfx");

        ServerCredentials credentials = Pkcs12CredentialsLoader.load(dir.resolve("empty-password.pfx"), new char[0]);

        assertThat(credentials.leaf().getSubjectX500Principal().getName()).isEqualTo("CN=ec-leaf");
    }

    @Test
    void wrongPasswordNamesTheFileButNotThePassword() {
        String wrong = "Not-The-Password-99";

        assertThatThrownBy(() -> Pkcs12CredentialsLoader.load(ecPfx, wrong.toCharArray()))
                .isInstanceOfSatisfying(CredentialException.class, e -> {
                    assertThat(e.file()).isEqualTo(ecPfx);
                    assertThat(e.getMessage()).startsWith(ecPfx + ": ").contains("password")
                            .doesNotContain(wrong).doesNotContain(PASSWORD);
                    assertThat(e.getCause()).isNull();
                });
    }

    @Test
    void emptyPasswordIsAWrongPassword() {
        assertThatThrownBy(() -> Pkcs12CredentialsLoader.load(ecPfx, new char[0]))
                .isInstanceOf(CredentialException.class)
                .hasMessage(ecPfx + ": wrong password or corrupt PKCS#12 file");
    }

    @Test
    void missingFileIsNamed() {
        Path missing = dir.resolve("absent.pfx");

        assertThatThrownBy(() -> Pkcs12CredentialsLoader.load(missing, PASSWORD.toCharArray()))
                .isInstanceOf(CredentialException.class)
                .hasMessage(missing + ": file not found");
    }

    @Test
    void pemFileGivenAsPfxIsRefused() {
        assertThatThrownBy(() -> Pkcs12CredentialsLoader.load(ecChain.fullChain(), PASSWORD.toCharArray()))
                .isInstanceOf(CredentialException.class)
                .hasMessage(ecChain.fullChain() + ": wrong password or corrupt PKCS#12 file");
    }

    @Test
    void truncatedPfxIsRefused() throws Exception {
        byte[] whole = Files.readAllBytes(ecPfx);
        Path truncated = Files.write(dir.resolve("truncated.pfx"), Arrays.copyOf(whole, whole.length / 2));

        assertThatThrownBy(() -> Pkcs12CredentialsLoader.load(truncated, PASSWORD.toCharArray()))
                .isInstanceOf(CredentialException.class)
                .hasMessageStartingWith(truncated + ": ")
                .hasMessageNotContaining(PASSWORD);
    }

    @Test
    void pfxWithoutPrivateKeyIsRefused() throws Exception {
        Openssl.run(dir, "pkcs12", "-export", "-nokeys", "-in", ecChain.leafCertificate().toString(),
                "-passout", "pass:" + PASSWORD, "-out", "certificates-only.pfx");
        Path pfx = dir.resolve("certificates-only.pfx");

        assertThatThrownBy(() -> Pkcs12CredentialsLoader.load(pfx, PASSWORD.toCharArray()))
                .isInstanceOf(CredentialException.class)
                .hasMessage(pfx + ": contains no private key with a certificate");
    }

    @Test
    void keyThatDoesNotMatchItsCertificateIsRefused() throws Exception {
        // openssl checks the pair itself, so build the mismatched store by hand.
        ServerCredentials real = PemCredentialsLoader.load(ecChain.fullChain(), ecChain.leafKey());
        Path pfx = TestCertificates.writePkcs12(dir.resolve("mismatch.pfx"), TestCertificates.ecKeyPair().getPrivate(),
                real.chain().toArray(new Certificate[0]), PASSWORD.toCharArray());

        assertThatThrownBy(() -> Pkcs12CredentialsLoader.load(pfx, PASSWORD.toCharArray()))
                .isInstanceOf(CredentialException.class)
                .hasMessage(pfx + ": private key does not match its certificate");
    }

    private static Path export(OpensslChain chain, String file) throws Exception {
        Openssl.run(dir, "pkcs12", "-export", "-inkey", chain.leafKey().toString(), "-in", chain.leafCertificate().toString(),
                "-certfile", chain.intermediateCertificate().toString(), "-passout", "pass:" + PASSWORD, "-out", file);
        return dir.resolve(file);
    }
}
