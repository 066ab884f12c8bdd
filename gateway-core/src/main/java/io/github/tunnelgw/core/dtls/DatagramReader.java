package io.github.tunnelgw.core.dtls;

/** {@code dtls.datagramReader}: what reads the DTLS port's datagrams (see {@link UdpReceiver}). */
public enum DatagramReader {
    /** {@link UdpReceiver} ({@code recvmmsg} through the foreign function API) when that API is usable, else Netty. */
    AUTO,
    /** Netty's native datagram read, the path the gateway falls back to: for comparison and troubleshooting. */
    NETTY;

    /** The setting as written in the configuration file. */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
