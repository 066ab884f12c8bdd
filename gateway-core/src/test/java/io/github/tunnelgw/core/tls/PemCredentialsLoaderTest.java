package io.github.tunnelgw.core.tls;

import io.github.tunnelgw.core.tls.OpensslChain.KeyType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.cert.X509Certificate;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** PEM certificate chains and keys in every form openssl writes, and the ways such files go wrong. */
class PemCredentialsLoaderTest {
    @TempDir
    static Path dir;
    static OpensslChain ecChain;
    static Path rsaPkcs8Key;
    static Path rsaCertificate;

    @BeforeAll
    static void makeFixtures() throws Exception {
        ecChain = OpensslChain.create(dir, "ec", KeyType.EC);
        rsaPkcs8Key = OpensslChain.generateKey(dir, "rsa-pkcs8.key", KeyType.RSA);
        Openssl.run(dir, "req", "-x509", "-key", "rsa-pkcs8.key", "-subj", "/CN=rsa", "-days", "30", "-out", "rsa.pem");
        rsaCertificate = dir.resolve("rsa.pem");
    }

    @Test
    void loadsPkcs8RsaKey() throws Exception {
        assertThat(Files.readString(rsaPkcs8Key)).startsWith("-----BEGIN PRIVATE KEY-----");

        ServerCredentials credentials = PemCredentialsLoader.load(rsaCertificate, rsaPkcs8Key);

        assertThat(credentials.chain()).hasSize(1);
        RSAPrivateCrtKey key = (RSAPrivateCrtKey) credentials.privateKey();
        assertThat(key.getModulus()).isEqualTo(((RSAPublicKey) credentials.leaf().getPublicKey()).getModulus());
    }

    @Test
    void loadsPkcs1RsaKeyAsTheSameKey() throws Exception {
        Openssl.run(dir, "rsa", "-in", "rsa-pkcs8.key", "-traditional", "-out", "rsa-pkcs1.key");
        Path pkcs1 = dir.resolve("rsa-pkcs1.key");
        assertThat(Files.readString(pkcs1)).startsWith("-----BEGIN RSA PRIVATE KEY-----");

        ServerCredentials credentials = PemCredentialsLoader.load(rsaCertificate, pkcs1);

        assertThat(credentials.privateKey().getAlgorithm()).isEqualTo("RSA");
        assertThat(credentials.privateKey().getEncoded())
                .isEqualTo(PemCredentialsLoader.load(rsaCertificate, rsaPkcs8Key).privateKey().getEncoded());
    }

    @Test
    void loadsSec1EcKeyWithEcParametersBlock() throws Exception {
        Openssl.run(dir, "ecparam", "-genkey", "-name", "prime256v1", "-out", "sec1-params.key");
        Path key = dir.resolve("sec1-params.key");
        String text = Files.readString(key);
        assertThat(text).startsWith("-----BEGIN EC PARAMETERS-----").contains("-----BEGIN EC PRIVATE KEY-----");
        Path certificate = selfSignedBy(key, "sec1-params.pem");

        ServerCredentials credentials = PemCredentialsLoader.load(certificate, key);

        assertIsP256KeyOf(credentials);
    }

    @Test
    void loadsSec1EcKeyWithoutEcParametersBlock() throws Exception {
        Openssl.run(dir, "ecparam", "-genkey", "-name", "prime256v1", "-noout", "-out", "sec1.key");
        Path key = dir.resolve("sec1.key");
        assertThat(Files.readString(key)).startsWith("-----BEGIN EC PRIVATE KEY-----").doesNotContain("EC PARAMETERS");
        Path certificate = selfSignedBy(key, "sec1.pem");

        ServerCredentials credentials = PemCredentialsLoader.load(certificate, key);

        assertIsP256KeyOf(credentials);
    }

    @Test
    void loadsEd25519Key() throws Exception {
        Openssl.run(dir, "genpkey", "-algorithm", "ed25519", "-out", "ed25519.key");
        Path key = dir.resolve("ed25519.key");
        Path certificate = selfSignedBy(key, "ed25519.pem");

        ServerCredentials credentials = PemCredentialsLoader.load(certificate, key);

        assertThat(credentials.privateKey().getAlgorithm()).isIn("Ed25519", "EdDSA");
    }

    @Test
    void loadsLeafAndIntermediateInFileOrder() throws Exception {
        ServerCredentials credentials = PemCredentialsLoader.load(ecChain.fullChain(), ecChain.leafKey());

        assertThat(credentials.chain()).hasSize(2);
        X509Certificate leaf = credentials.chain().get(0);
        X509Certificate intermediate = credentials.chain().get(1);
        assertThat(credentials.leaf()).isSameAs(leaf);
        assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=ec-leaf");
        assertThat(intermediate.getSubjectX500Principal().getName()).isEqualTo("CN=ec-intermediate");
        leaf.verify(intermediate.getPublicKey());
    }

    @Test
    void ignoresTextAroundTheBlocksAsOpensslPkcs12Writes() throws Exception {
        Path annotated = dir.resolve("annotated-chain.pem");
        Files.writeString(annotated, "Bag Attributes\n    localKeyID: 01 02 03\nsubject=CN = ec-leaf\n\n"
                + Files.readString(ecChain.leafCertificate())
                + "Bag Attributes: <No Attributes>\nsubject=CN = ec-intermediate\n"
                + Files.readString(ecChain.intermediateCertificate()));

        ServerCredentials credentials = PemCredentialsLoader.load(annotated, ecChain.leafKey());

        assertThat(credentials.chain()).extracting(c -> c.getSubjectX500Principal().getName())
                .containsExactly("CN=ec-leaf", "CN=ec-intermediate");
    }

    @Test
    void loadsWhatOpensslPkcs12WritesForANonAsciiFriendlyName() throws Exception {
        // openssl prints the PFX friendly name byte for byte, here Latin-1, in the text around the blocks.
        Openssl.run(dir, "pkcs12", "-export", "-inkey", ecChain.leafKey().toString(), "-in", ecChain.leafCertificate().toString(),
                "-certfile", ecChain.intermediateCertificate().toString(), "-name", "Zertifikat f\u00fcr VPN",
                "-passout", "pass:pw", "-out", "friendly.pfx");
        Openssl.run(dir, "pkcs12", "-in", "friendly.pfx", "-passin", "pass:pw", "-nokeys", "-out", "friendly-chain.pem");
        Openssl.run(dir, "pkcs12", "-in", "friendly.pfx", "-passin", "pass:pw", "-nocerts", "-nodes", "-out", "friendly.key");
        Path chainFile = dir.resolve("friendly-chain.pem");
        Path keyFile = dir.resolve("friendly.key");
        assertThat(Files.readString(keyFile, StandardCharsets.ISO_8859_1)).contains("friendlyName: Zertifikat f\u00fcr VPN");

        ServerCredentials credentials = PemCredentialsLoader.load(chainFile, keyFile);

        assertThat(credentials.chain()).extracting(c -> c.getSubjectX500Principal().getName())
                .containsExactly("CN=ec-leaf", "CN=ec-intermediate");
    }

    @Test
    void acceptsOneFileHoldingCertificateAndKey() throws Exception {
        Path combined = dir.resolve("combined.pem");
        Files.writeString(combined, Files.readString(ecChain.leafCertificate()) + Files.readString(ecChain.leafKey()));

        ServerCredentials credentials = PemCredentialsLoader.load(combined, combined);

        assertThat(credentials.chain()).hasSize(1);
        assertThat(credentials.privateKey().getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void refusesKeyOfAnotherCertificateNamingTheKeyFile() throws Exception {
        Path otherKey = OpensslChain.generateKey(dir, "other-ec.key", KeyType.EC);

        assertThatThrownBy(() -> PemCredentialsLoader.load(ecChain.fullChain(), otherKey))
                .isInstanceOfSatisfying(CredentialException.class, e -> {
                    assertThat(e.file()).isEqualTo(otherKey);
                    assertThat(e.getMessage()).startsWith(otherKey + ": ").contains("does not match")
                            .contains(ecChain.fullChain().toString());
                });
    }

    @Test
    void refusesRsaKeyForEcCertificate() {
        assertThatThrownBy(() -> PemCredentialsLoader.load(ecChain.leafCertificate(), rsaPkcs8Key))
                .isInstanceOf(CredentialException.class)
                .hasMessageStartingWith(rsaPkcs8Key + ": ")
                .hasMessageContaining("does not match");
    }

    @Test
    void missingCertificateFileIsNamed() {
        Path missing = dir.resolve("no-such-cert.pem");

        assertThatThrownBy(() -> PemCredentialsLoader.load(missing, ecChain.leafKey()))
                .isInstanceOfSatisfying(CredentialException.class, e -> assertThat(e.file()).isEqualTo(missing))
                .hasMessage(missing + ": file not found");
    }

    @Test
    void missingKeyFileIsNamed() {
        Path missing = dir.resolve("no-such-key.pem");

        assertThatThrownBy(() -> PemCredentialsLoader.load(ecChain.fullChain(), missing))
                .isInstanceOf(CredentialException.class)
                .hasMessage(missing + ": file not found");
    }

    @Test
    void garbageTextIsNoCertificate() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage-text.pem"), "this is not a certificate\n");

        assertThatThrownBy(() -> PemCredentialsLoader.load(garbage, ecChain.leafKey()))
                .isInstanceOf(CredentialException.class)
                .hasMessage(garbage + ": contains no PEM certificate");
    }

    @Test
    void emptyKeyFileHasNoKey() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.key"), "");

        assertThatThrownBy(() -> PemCredentialsLoader.load(ecChain.fullChain(), empty))
                .isInstanceOf(CredentialException.class)
                .hasMessage(empty + ": contains no private key");
    }

    @Test
    void binaryGarbageIsRefusedForBothFiles() throws Exception {
        byte[] bytes = new byte[512];
        new Random(7).nextBytes(bytes);
        Path garbage = Files.write(dir.resolve("garbage.bin"), bytes);

        assertThatThrownBy(() -> PemCredentialsLoader.load(garbage, ecChain.leafKey()))
                .isInstanceOf(CredentialException.class).hasMessageStartingWith(garbage + ": ");
        assertThatThrownBy(() -> PemCredentialsLoader.load(ecChain.fullChain(), garbage))
                .isInstanceOf(CredentialException.class).hasMessageStartingWith(garbage + ": ");
    }

    @Test
    void corruptBase64InsideBlocksIsRefused() throws Exception {
        Path certificate = Files.writeString(dir.resolve("corrupt.pem"),
                "-----BEGIN CERTIFICATE-----\n!!not*base64!!\n-----END CERTIFICATE-----\n");
        Path key = Files.writeString(dir.resolve("corrupt.key"),
                "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");

        assertThatThrownBy(() -> PemCredentialsLoader.load(certificate, ecChain.leafKey()))
                .isInstanceOf(CredentialException.class)
                .hasMessageStartingWith(certificate + ": not a readable PEM certificate file");
        assertThatThrownBy(() -> PemCredentialsLoader.load(ecChain.fullChain(), key))
                .isInstanceOf(CredentialException.class)
                .hasMessageStartingWith(key + ": not a readable PEM private key");
    }

    @Test
    void swappedArgumentsSayWhatIsMissing() {
        assertThatThrownBy(() -> PemCredentialsLoader.load(ecChain.leafKey(), ecChain.leafCertificate()))
                .isInstanceOf(CredentialException.class)
                .hasMessage(ecChain.leafKey() + ": contains no PEM certificate");
        assertThatThrownBy(() -> PemCredentialsLoader.load(ecChain.leafCertificate(), ecChain.leafCertificate()))
                .isInstanceOf(CredentialException.class)
                .hasMessage(ecChain.leafCertificate() + ": contains no private key");
    }

    @Test
    void publicKeyInPlaceOfPrivateKeyIsNamed() throws Exception {
        Openssl.run(dir, "pkey", "-in", ecChain.leafKey().toString(), "-pubout", "-out", "public.pem");
        Path publicKey = dir.resolve("public.pem");

        assertThatThrownBy(() -> PemCredentialsLoader.load(ecChain.fullChain(), publicKey))
                .isInstanceOf(CredentialException.class)
                .hasMessageStartingWith(publicKey + ": unexpected PEM object");
    }

    @Test
    void encryptedPkcs8KeyIsRefusedWithAdvice() throws Exception {
        Openssl.run(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes256",
                "-pass", "pass:x", "-out", "encrypted-pkcs8.key");
        Path key = dir.resolve("encrypted-pkcs8.key");
        assertThat(Files.readString(key)).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");

        assertThatThrownBy(() -> PemCredentialsLoader.load(ecChain.fullChain(), key))
                .isInstanceOf(CredentialException.class)
                .hasMessageStartingWith(key + ": ")
                .hasMessageContaining("encrypted")
                .hasMessageContaining("openssl pkey");
    }

    @Test
    void encryptedTraditionalKeyIsRefusedWithAdvice() throws Exception {
        Openssl.run(dir, "rsa", "-in", "rsa-pkcs8.key", "-traditional", "-aes256", "-passout", "pass:x",
                "-out", "encrypted-pkcs1.key");
        Path key = dir.resolve("encrypted-pkcs1.key");
        assertThat(Files.readString(key)).contains("Proc-Type: 4,ENCRYPTED");

        assertThatThrownBy(() -> PemCredentialsLoader.load(rsaCertificate, key))
                .isInstanceOf(CredentialException.class)
                .hasMessageStartingWith(key + ": ")
                .hasMessageContaining("encrypted");
    }

    private static Path selfSignedBy(Path key, String certificateFile) throws Exception {
        Openssl.run(dir, "req", "-x509", "-key", key.toString(), "-subj", "/CN=" + certificateFile, "-days", "30",
                "-out", certificateFile);
        return dir.resolve(certificateFile);
    }

    private static void assertIsP256KeyOf(ServerCredentials credentials) {
        ECPrivateKey key = (ECPrivateKey) credentials.privateKey();
        assertThat(key.getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
        assertThat(key.getParams().getOrder())
                .isEqualTo(((ECPublicKey) credentials.leaf().getPublicKey()).getParams().getOrder());
        assertThat(credentials.privateKey().getAlgorithm()).isEqualTo("EC");
    }
}
