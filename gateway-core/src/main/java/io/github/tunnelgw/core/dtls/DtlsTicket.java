package io.github.tunnelgw.core.dtls;

import io.github.tunnelgw.core.dataplane.ChannelSwitch;
import io.github.tunnelgw.core.session.Session;

import java.net.InetAddress;

/**
 * One CONNECT's permission to open DTLS: the App-ID it announced, the PSK exported from its TLS session, and where
 * the DTLS channel plugs in (the lease's {@link ChannelSwitch}). Lives as long as that CSTP connection.
 * The mutable fields belong to the DTLS event loop.
 */
final class DtlsTicket {
    final AppId appId;
    final byte[] psk;
    final Session session;
    final int leasedAddress;
    final ChannelSwitch route;
    /** The client's address on the TLS connection that was given this ticket; null if it is not an IP address. */
    private final InetAddress loginAddress;

    DtlsAssociation current;
    DtlsHandshake pending;
    boolean retired;

    DtlsTicket(AppId appId, byte[] psk, Session session, int leasedAddress, ChannelSwitch route,
               InetAddress loginAddress) {
        this.appId = appId;
        this.loginAddress = loginAddress;
        this.psk = psk;
        this.session = session;
        this.leasedAddress = leasedAddress;
        this.route = route;
    }

    /**
     * Whether a ClientHello from {@code address} may skip the cookie exchange. The cookie proves that the sender can
     * receive at its source address; the TCP handshake of the TLS connection that logged in has proved that already
     * for its address, and the hello names this ticket's App-ID, which only that connection was told. ocserv skips
     * the exchange for known sessions too; openconnect then has DTLS one round trip sooner. A hello from any other
     * address (a NAT that maps UDP elsewhere, or a forgery) still gets the cookie exchange.
     */
    boolean loggedInFrom(InetAddress address) {
        return loginAddress != null && loginAddress.equals(address);
    }

    @Override
    public String toString() {
        return "DTLS of " + session.userName(); // never the PSK
    }
}
