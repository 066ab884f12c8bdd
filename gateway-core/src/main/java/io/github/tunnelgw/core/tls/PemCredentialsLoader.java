package io.github.tunnelgw.core.tls;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * PEM certificate chain (leaf first) plus a private key in PKCS#8, PKCS#1 (RSA) or SEC1 (EC, with or without
 * an EC PARAMETERS block). Encrypted keys are refused with advice; a key that does not match the leaf is an error.
 */
public final class PemCredentialsLoader {
    private PemCredentialsLoader() {
    }

    public static ServerCredentials load(Path certificateFile, Path privateKeyFile) throws CredentialException {
        List<X509Certificate> chain = readChain(certificateFile);
        PrivateKey key = readKey(privateKeyFile);
        if (!KeyMatch.matches(key, chain.get(0))) {
            throw new CredentialException(privateKeyFile, "private key does not match the certificate in " + certificateFile);
        }
        return new ServerCredentials(key, chain);
    }

    static List<X509Certificate> readChain(Path file) throws CredentialException {
        List<X509Certificate> chain = new ArrayList<>();
        try (PEMParser parser = new PEMParser(open(file))) {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Object item; (item = parser.readObject()) != null; ) {
                if (item instanceof X509CertificateHolder holder) {
                    chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(holder.getEncoded())));
                }
            }
        } catch (IOException | CertificateException | RuntimeException e) {
            throw new CredentialException(file, "not a readable PEM certificate file (" + e.getClass().getSimpleName() + ")");
        }
        if (chain.isEmpty()) {
            throw new CredentialException(file, "contains no PEM certificate");
        }
        return chain;
    }

    static PrivateKey readKey(Path file) throws CredentialException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (PEMParser parser = new PEMParser(open(file))) {
            for (Object item; (item = parser.readObject()) != null; ) {
                if (item instanceof PEMEncryptedKeyPair || item instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new CredentialException(file, "encrypted private keys are not supported; decrypt it with 'openssl pkey'");
                }
                if (item instanceof PEMKeyPair pair) {
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (item instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (!(item instanceof ASN1ObjectIdentifier || item instanceof X9ECParameters || item instanceof X509CertificateHolder)) {
                    throw new CredentialException(file, "unexpected PEM object " + item.getClass().getSimpleName());
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new CredentialException(file, "not a readable PEM private key (" + e.getClass().getSimpleName() + ")");
        }
        throw new CredentialException(file, "contains no private key");
    }

    private static Reader open(Path file) throws CredentialException {
        try {
            // Text around the blocks is free-form (openssl pkcs12 writes friendly names there byte for byte);
            // Latin-1 decodes any byte, and the base64 inside the blocks is ASCII either way.
            return Files.newBufferedReader(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new CredentialException(file, "file not found");
        } catch (IOException e) {
            throw new CredentialException(file, "cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }
}
