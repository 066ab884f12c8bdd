package io.github.tunnelgw.core.dtls;

import io.github.tunnelgw.core.dataplane.ChannelSwitch;
import io.github.tunnelgw.core.session.Session;

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

    DtlsAssociation current;
    DtlsHandshake pending;
    boolean retired;

    DtlsTicket(AppId appId, byte[] psk, Session session, int leasedAddress, ChannelSwitch route) {
        this.appId = appId;
        this.psk = psk;
        this.session = session;
        this.leasedAddress = leasedAddress;
        this.route = route;
    }

    @Override
    public String toString() {
        return "DTLS of " + session.userName(); // never the PSK
    }
}
