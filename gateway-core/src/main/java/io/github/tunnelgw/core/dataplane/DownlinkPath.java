package io.github.tunnelgw.core.dataplane;

import io.github.tunnelgw.tun.Ipv4Header;
import io.netty.buffer.ByteBuf;

/**
 * Internal network to client. Steps, in the order a packet read from tun meets them:
 * 1. Well-formedness (IPv4, lengths)
 * 2. Routing: destination address to the client's route, O(1)
 * 3. Hand-off to the route (it frames and sends, or drops under congestion)
 */
public final class DownlinkPath {
    private final RouteTable routes;
    private final DataPlaneCounters counters;

    public DownlinkPath(RouteTable routes, DataPlaneCounters counters) {
        this.routes = routes;
        this.counters = counters;
    }

    /** Takes ownership of {@code packet}. */
    public void onTunPacket(ByteBuf packet) {
        if (!Ipv4Header.isWellFormedIpv4(packet)) {
            counters.malformedDropped.increment();
            packet.release();
            return;
        }
        ClientRoute route = routes.lookup(Ipv4Header.destination(packet));
        if (route == null) {
            counters.noRouteDropped.increment();
            packet.release();
            return;
        }
        counters.downlinkPackets.increment();
        counters.downlinkBytes.add(packet.readableBytes());
        route.deliver(packet);
    }
}
