package io.github.tunnelgw.core.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A root CA, an intermediate CA and a server leaf for {@code localhost} and {@code 127.0.0.1}, made with the
 * openssl command line in a directory. {@code fullChain} is the leaf followed by the intermediate, as a CA
 * delivers it; the root is only for clients to trust.
 */
record OpensslChain(Path rootCertificate, Path intermediateCertificate, Path leafCertificate, Path leafKey,
                    Path fullChain) {

    enum KeyType {
        EC("ec", "-pkeyopt", "ec_paramgen_curve:P-256"),
        RSA("rsa", "-pkeyopt", "rsa_keygen_bits:2048");

        final String[] newKey;

        KeyType(String... newKey) {
            this.newKey = newKey;
        }
    }

    private static final String CA_EXTENSIONS = """
            basicConstraints = critical, CA:TRUE
            keyUsage = critical, keyCertSign, cRLSign
            """;
    private static final String LEAF_EXTENSIONS = """
            basicConstraints = critical, CA:FALSE
            keyUsage = critical, digitalSignature
            extendedKeyUsage = serverAuth
            subjectAltName = DNS:localhost, IP:127.0.0.1
            """;

    /** Makes the three certificates with file names prefixed by {@code name} in {@code directory}. */
    static OpensslChain create(Path directory, String name, KeyType keyType) throws IOException, InterruptedException {
        Path caExtensions = Files.writeString(directory.resolve(name + "-ca.ext"), CA_EXTENSIONS);
        Path leafExtensions = Files.writeString(directory.resolve(name + "-leaf.ext"), LEAF_EXTENSIONS);
        String root = name + "-root";
        String intermediate = name + "-intermediate";
        String leaf = name + "-leaf";
        generateKey(directory, root + ".key", keyType);
        Openssl.run(directory, "req", "-x509", "-key", root + ".key", "-subj", "/CN=" + root, "-days", "30",
                "-out", root + ".pem");
        request(directory, intermediate, keyType);
        Openssl.run(directory, "x509", "-req", "-in", intermediate + ".csr", "-CA", root + ".pem", "-CAkey", root + ".key",
                "-set_serial", "2", "-days", "30", "-extfile", caExtensions.toString(), "-out", intermediate + ".pem");
        request(directory, leaf, keyType);
        Openssl.run(directory, "x509", "-req", "-in", leaf + ".csr", "-CA", intermediate + ".pem", "-CAkey",
                intermediate + ".key", "-set_serial", "3", "-days", "90", "-extfile", leafExtensions.toString(),
                "-out", leaf + ".pem");
        Path fullChain = directory.resolve(name + "-fullchain.pem");
        Files.writeString(fullChain, Files.readString(directory.resolve(leaf + ".pem"))
                + Files.readString(directory.resolve(intermediate + ".pem")));
        return new OpensslChain(directory.resolve(root + ".pem"), directory.resolve(intermediate + ".pem"),
                directory.resolve(leaf + ".pem"), directory.resolve(leaf + ".key"), fullChain);
    }

    /** A PKCS#8 private key in PEM, unencrypted. */
    static Path generateKey(Path directory, String file, KeyType keyType) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("genpkey", "-algorithm"));
        args.addAll(List.of(keyType.newKey));
        args.addAll(List.of("-out", file));
        Openssl.run(directory, args.toArray(String[]::new));
        return directory.resolve(file);
    }

    private static void request(Path directory, String name, KeyType keyType) throws IOException, InterruptedException {
        generateKey(directory, name + ".key", keyType);
        Openssl.run(directory, "req", "-new", "-key", name + ".key", "-subj", "/CN=" + name, "-out", name + ".csr");
    }
}
