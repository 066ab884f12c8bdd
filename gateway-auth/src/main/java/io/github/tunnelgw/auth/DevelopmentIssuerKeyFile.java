package io.github.tunnelgw.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.ByteBuffer;
import java.text.ParseException;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The development issuer's EC P-256 private key, kept as one JWK JSON file readable only by its owner.
 * Created once; every later start reuses it so tokens stay valid across restarts.
 */
final class DevelopmentIssuerKeyFile {

    static final String FILE_NAME = "dev-issuer-key.json";

    private static final Logger log = LoggerFactory.getLogger(DevelopmentIssuerKeyFile.class);
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final long MAX_FILE_BYTES = 64 * 1024;

    private DevelopmentIssuerKeyFile() {
    }

    /** @return the private key, with its JWK thumbprint as key id */
    static ECKey loadOrCreate(Path stateDirectory) throws IOException {
        Files.createDirectories(stateDirectory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
        Path file = stateDirectory.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            create(file);
        }
        return load(file);
    }

    /**
     * Writes a private temp file, then hard-links it to the final name: the link fails if another process
     * created the key meanwhile, so the first key wins and is never overwritten.
     */
    private static void create(Path file) throws IOException {
        ECKey key = generate();
        Path temp = file.resolveSibling(FILE_NAME + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap((key.toJSONString() + "\n").getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            }
            Files.createLink(file, temp);
            log.info("created development issuer key {} in {}", key.getKeyID(), file);
        } catch (FileAlreadyExistsException raced) {
            log.debug("development issuer key {} was created concurrently; using it", file);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    static ECKey generate() throws IOException {
        try {
            return new ECKeyGenerator(Curve.P_256).keyIDFromThumbprint(true).generate();
        } catch (JOSEException e) {
            throw new IOException("cannot generate an EC P-256 key for the development issuer", e);
        }
    }

    private static ECKey load(Path file) throws IOException {
        tightenPermissions(file);
        if (Files.size(file) > MAX_FILE_BYTES) {
            throw corrupt(file, "larger than " + MAX_FILE_BYTES + " bytes");
        }
        String json = Files.readString(file, StandardCharsets.UTF_8);
        JWK jwk;
        try {
            jwk = JWK.parse(json);
        } catch (ParseException | RuntimeException e) {
            // the parser's message may quote key material, so it is not passed on
            throw corrupt(file, "not a valid JWK");
        }
        if (!(jwk instanceof ECKey ec) || !Curve.P_256.equals(ec.getCurve())) {
            throw corrupt(file, "not an EC P-256 key");
        }
        if (!ec.isPrivate()) {
            throw corrupt(file, "holds no private key");
        }
        try {
            ECKey withThumbprintId = new ECKey.Builder(ec).keyID(ec.computeThumbprint().toString()).build();
            checkPairMatches(withThumbprintId, file);
            return withThumbprintId;
        } catch (JOSEException | RuntimeException e) {
            throw corrupt(file, "unusable EC key");
        }
    }

    /** A file edited by hand could pair a private scalar with someone else's public point. */
    private static void checkPairMatches(ECKey key, Path file) throws JOSEException, IOException {
        JWSHeader header = new JWSHeader(JWSAlgorithm.ES256);
        byte[] probe = "dev-issuer-key-check".getBytes(StandardCharsets.US_ASCII);
        Base64URL signature = new ECDSASigner(key).sign(header, probe);
        if (!new ECDSAVerifier(key.toPublicJWK()).verify(header, probe, signature)) {
            throw corrupt(file, "private and public parts do not match");
        }
    }

    private static void tightenPermissions(Path file) throws IOException {
        Set<PosixFilePermission> current = Files.getPosixFilePermissions(file);
        if (!current.equals(OWNER_ONLY_FILE)) {
            log.warn("development issuer key {} had mode {}; resetting it to rw-------",
                    file, PosixFilePermissions.toString(current));
            Files.setPosixFilePermissions(file, OWNER_ONLY_FILE);
        }
    }

    private static IOException corrupt(Path file, String problem) {
        return new IOException("development issuer key file " + file + " is corrupt (" + problem
                + "); delete it to create a new key, which invalidates tokens issued so far");
    }
}
