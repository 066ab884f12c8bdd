package io.github.tunnelgw.core.config;

import io.github.tunnelgw.core.net.DnsName;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Reads the {@code tls} section: the certificate files must exist, the PEM pair and the PKCS#12
 * file exclude each other, and a password from {@code pfxPasswordFile} is read here so that a bad
 * password file is a config error naming the key, not a failure later at start.
 */
final class TlsSectionReader {
    /** A password file larger than this is not a password file. */
    private static final long MAX_PASSWORD_FILE = 64 * 1024;
    private static final int MAX_HOST_NAMES = 100;

    private TlsSectionReader() {
    }

    static GatewayConfig.Tls read(ConfigSection section) throws ConfigException {
        Optional<Path> certificate = section.existingFile("certificateFile");
        Optional<Path> key = section.existingFile("privateKeyFile");
        Optional<Path> pfx = section.existingFile("pfxFile");
        Optional<Secret> inlinePassword = section.text("pfxPassword").map(Secret::new);
        Optional<Path> passwordFile = section.existingFile("pfxPasswordFile");
        List<String> hostNames = section.list("hostNames", MAX_HOST_NAMES, DnsName::normalize);
        section.rejectUnknownKeys();

        if (certificate.isPresent() != key.isPresent()) {
            String missing = certificate.isPresent() ? "privateKeyFile" : "certificateFile";
            String present = certificate.isPresent() ? "certificateFile" : "privateKeyFile";
            throw section.problem(missing, "must be set together with " + section.dotted(present));
        }
        if (pfx.isPresent() && certificate.isPresent()) {
            throw section.problem("pfxFile", "set either pfxFile or certificateFile and privateKeyFile, not both");
        }
        if (inlinePassword.isPresent() && passwordFile.isPresent()) {
            throw section.problem("pfxPassword", "set either pfxPassword or pfxPasswordFile, not both");
        }
        if ((inlinePassword.isPresent() || passwordFile.isPresent()) && pfx.isEmpty()) {
            String which = inlinePassword.isPresent() ? "pfxPassword" : "pfxPasswordFile";
            throw section.problem(which, "is set but " + section.dotted("pfxFile") + " is not");
        }
        Optional<Secret> password = inlinePassword;
        if (passwordFile.isPresent()) {
            password = Optional.of(readPasswordFile(section, passwordFile.get()));
        }
        return new GatewayConfig.Tls(certificate, key, pfx, password, passwordFile, hostNames);
    }

    // The first line only, so the newline of `echo secret > file` is not part of the password.
    private static Secret readPasswordFile(ConfigSection section, Path file) throws ConfigException {
        String content;
        try {
            if (Files.size(file) > MAX_PASSWORD_FILE) {
                throw section.problem("pfxPasswordFile", "file " + file + " is larger than 64 KiB");
            }
            content = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
        } catch (IOException e) {
            // Only the exception type: its message is generic or repeats the path, never the content.
            throw section.problem("pfxPasswordFile",
                    "file " + file + " cannot be read as UTF-8 text (" + e.getClass().getSimpleName() + ")");
        }
        int end = content.indexOf('\n');
        String line = end < 0 ? content : content.substring(0, end);
        return new Secret(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
    }
}
