package io.github.tunnelgw.core.tls;

import java.nio.file.Path;

/** A certificate, key or PKCS#12 file that cannot be used; the message is one line naming the file. */
public final class CredentialException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient Path file;

    public CredentialException(Path file, String problem) {
        super(file + ": " + problem, null, false, false);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
