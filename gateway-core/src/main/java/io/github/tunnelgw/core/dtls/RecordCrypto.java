package io.github.tunnelgw.core.dtls;

/** {@code dtls.recordCrypto}: which AES-GCM seals and opens the DTLS records (see {@link AeadEngines}). */
public enum RecordCrypto {
    /** GnuTLS if it loads and passes the self-test, else the JDK's. */
    AUTO,
    /** GnuTLS, or the gateway does not start. */
    GNUTLS,
    /** The JDK's {@code Cipher}. */
    JDK;

    /** The setting as written in the configuration file. */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
