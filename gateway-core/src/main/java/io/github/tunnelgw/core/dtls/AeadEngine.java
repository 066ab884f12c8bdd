package io.github.tunnelgw.core.dtls;

import java.security.GeneralSecurityException;

/** Where the DTLS record keys come from: the JDK's AES-GCM ({@link JdkAead}) or GnuTLS's ({@link GnutlsAead}). */
interface AeadEngine {
    /** For the start-up log line and the docs, e.g. "GnuTLS 3.7.9". */
    String description();

    /** A key for AES-128-GCM or AES-256-GCM (16 or 32 bytes); the caller may wipe {@code key} afterwards. */
    RecordAead newKey(byte[] key) throws GeneralSecurityException;
}
