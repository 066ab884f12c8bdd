package io.github.tunnelgw.core.dtls;

/**
 * Whether a CONNECT asks for PSK-NEGOTIATE DTLS (reference §5.1): the exact token {@code PSK-NEGOTIATE} in
 * {@code X-DTLS-CipherSuite} or {@code X-DTLS12-CipherSuite}, delimited by ':' or the ends of the value.
 */
public final class PskNegotiation {
    public static final String TOKEN = "PSK-NEGOTIATE";
    /** Exporter label both sides use for the 32-byte PSK (reference §5.2). */
    public static final String EXPORTER_LABEL = "EXPORTER-openconnect-psk";
    public static final int PSK_LENGTH = 32;

    private PskNegotiation() {
    }

    public static boolean offered(String dtlsCipherSuites, String dtls12CipherSuites) {
        return containsToken(dtlsCipherSuites) || containsToken(dtls12CipherSuites);
    }

    private static boolean containsToken(String list) {
        if (list == null) {
            return false;
        }
        for (String token : list.split(":", -1)) {
            if (token.strip().equals(TOKEN)) {
                return true;
            }
        }
        return false;
    }
}
