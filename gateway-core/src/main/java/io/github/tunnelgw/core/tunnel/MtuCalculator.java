package io.github.tunnelgw.core.tunnel;

/**
 * Tunnel MTU as ocserv computes it (reference §3.4): the link MTU is the smaller of ours and the client's
 * {@code X-CSTP-Base-MTU}; the tunnel MTU leaves room for the outer IP and UDP headers and the DTLS record
 * overhead (zero while no DTLS channel is offered), so a packet fits either channel unfragmented.
 */
public final class MtuCalculator {
    /** openconnect never goes below this base MTU. */
    public static final int MIN_BASE_MTU = 1280;
    public static final int UDP_HEADER = 8;

    private MtuCalculator() {
    }

    public static int linkMtu(int configuredLinkMtu, int clientBaseMtu) {
        if (clientBaseMtu < MIN_BASE_MTU) {
            return configuredLinkMtu;
        }
        return Math.min(configuredLinkMtu, clientBaseMtu);
    }

    public static int tunnelMtu(int linkMtu, boolean ipv6Transport, int dtlsOverhead) {
        int ipHeader = ipv6Transport ? 40 : 20;
        return linkMtu - ipHeader - UDP_HEADER - dtlsOverhead;
    }
}
