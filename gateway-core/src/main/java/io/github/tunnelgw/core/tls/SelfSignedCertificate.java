package io.github.tunnelgw.core.tls;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The embedded default's certificate: EC P-256, self-signed, valid 397 days (iOS refuses more than 398), with the
 * host name, {@code localhost} and every local address as SANs. Created once in the state directory and reused,
 * so clients' pins stay valid; re-created only when it has expired.
 */
public final class SelfSignedCertificate {
    private static final Logger log = LoggerFactory.getLogger(SelfSignedCertificate.class);
    public static final String CERTIFICATE_FILE = "server-cert.pem";
    public static final String KEY_FILE = "server-key.pem";
    static final Duration VALIDITY = Duration.ofDays(397);

    private SelfSignedCertificate() {
    }

    public static ServerCredentials loadOrCreate(Path stateDirectory, List<String> extraHostNames)
            throws IOException, CredentialException {
        Path certificate = stateDirectory.resolve(CERTIFICATE_FILE);
        Path key = stateDirectory.resolve(KEY_FILE);
        if (Files.exists(certificate) && Files.exists(key)) {
            ServerCredentials existing = PemCredentialsLoader.load(certificate, key);
            if (existing.leaf().getNotAfter().toInstant().isAfter(Instant.now())) {
                return existing;
            }
            log.warn("the self-signed certificate in {} has expired; creating a new one (clients must update their pin)", certificate);
        }
        return create(stateDirectory, certificate, key, extraHostNames);
    }

    private static ServerCredentials create(Path stateDirectory, Path certificateFile, Path keyFile, List<String> extraHostNames)
            throws IOException, CredentialException {
        Files.createDirectories(stateDirectory);
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair pair = generator.generateKeyPair();
            String hostName = localHostName();
            X500Name subject = new X500Name("CN=" + hostName.replaceAll("[,+=\"\\\\<>;]", "_"));
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(128, new SecureRandom()), Date.from(now.minus(Duration.ofMinutes(5))),
                    Date.from(now.plus(VALIDITY)), subject, pair.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectAlternativeName, false, subjectAltNames(hostName, extraHostNames));
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
            // PKCS#8 keeps the curve parameters; the SEC1 form the JDK's key converts to would lose them.
            writePrivately(keyFile, pem(new JcaPKCS8Generator(pair.getPrivate(), null)));
            writePrivately(certificateFile, pem(certificate));
            log.info("created a self-signed certificate for {} in {}", hostName, certificateFile);
            return new ServerCredentials(pair.getPrivate(), List.of(certificate));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot create the self-signed certificate: " + e.getMessage(), e);
        }
    }

    private static GeneralNames subjectAltNames(String hostName, List<String> extraHostNames) {
        Set<String> dnsNames = new LinkedHashSet<>();
        dnsNames.add(hostName);
        dnsNames.add("localhost");
        dnsNames.addAll(extraHostNames);
        List<GeneralName> names = new ArrayList<>();
        dnsNames.forEach(name -> names.add(new GeneralName(GeneralName.dNSName, name)));
        for (String address : localAddresses()) {
            names.add(new GeneralName(GeneralName.iPAddress, address));
        }
        return new GeneralNames(names.toArray(GeneralName[]::new));
    }

    private static Set<String> localAddresses() {
        // One spelling per address (the JDK's, without a zone), so ::1 from lo does not repeat the seeded ::1.
        Set<String> addresses = new LinkedHashSet<>();
        try {
            addresses.add(canonical(InetAddress.getByName("127.0.0.1")));
            addresses.add(canonical(InetAddress.getByName("::1")));
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (!address.isLinkLocalAddress()) {
                        addresses.add(canonical(address));
                    }
                }
            }
        } catch (IOException e) {
            log.debug("cannot list network interfaces: {}", e.getMessage());
        }
        return addresses;
    }

    private static String canonical(InetAddress address) throws UnknownHostException {
        return InetAddress.getByAddress(address.getAddress()).getHostAddress();
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    private static String pem(Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString();
    }

    /** Written to a 0600 temporary file and moved into place, so the key is never readable by others. */
    private static void writePrivately(Path file, String content) throws IOException {
        Path temporary = Files.createTempFile(file.getParent(), ".tmp-", ".pem",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.US_ASCII)) {
                writer.write(content);
            }
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            // After a failed write or move, no stray copy of the private key may stay behind.
            Files.deleteIfExists(temporary);
        }
    }
}
