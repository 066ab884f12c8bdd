package io.github.tunnelgw.core.dataplane;

/** Constants shared by the two packet paths. */
public final class DataPlane {
    /**
     * Bytes reserved in front of every downlink packet so a channel can prepend its header in place
     * (the CSTP header is 8 bytes; the DTLS type byte is 1). A tun read also puts its 10-byte virtio header there.
     */
    public static final int HEADROOM = 16;

    private DataPlane() {
    }
}
