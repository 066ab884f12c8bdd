package io.github.tunnelgw.core.dataplane;

/** Constants shared by the two packet paths. */
public final class DataPlane {
    /**
     * Bytes reserved in front of every downlink packet so a channel can prepend its header in place: the CSTP header
     * is 8 bytes; a DTLS record puts its 13-byte header, 8-byte explicit nonce and the type byte there (22).
     */
    public static final int HEADROOM = 22;
    /** Bytes reserved behind every downlink packet read from tun: room for the DTLS record's 16-byte tag. */
    public static final int TAILROOM = 16;

    private DataPlane() {
    }
}
