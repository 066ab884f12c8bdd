package io.github.tunnelgw.core.dataplane;

import io.netty.buffer.ByteBuf;

/** Where packets for one client's leased address go (its CSTP connection today, DTLS later). */
public interface ClientRoute {
    /**
     * Sends an IP packet to the client. Takes ownership of {@code packet}, which has at least
     * {@link DataPlane#HEADROOM} writable bytes in front of its reader index for the channel's own header; a packet
     * read from tun also has {@link DataPlane#TAILROOM} bytes of capacity behind it, which a channel may use.
     */
    void deliver(ByteBuf packet);
}
