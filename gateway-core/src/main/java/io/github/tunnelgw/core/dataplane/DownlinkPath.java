package io.github.tunnelgw.core.dataplane;

import io.github.tunnelgw.tun.Ipv4Header;
import io.github.tunnelgw.tun.TunQueueReader;
import io.netty.buffer.ByteBuf;

/**
 * Internal network to client. Steps, in the order a packet read from tun meets them:
 * 1. Well-formedness (IPv4, lengths)
 * 2. Routing: destination address to the client's route, O(1)
 * 3. Hand-off to the route (it frames and sends, or drops under congestion); DTLS gathers the records of one
 *    pass over a tun queue and sends equal-sized runs of them in one system call
 */
public final class DownlinkPath {
    private final RouteTable routes;
    private final DataPlaneCounters counters;
    private final TunQueueReader.Pass sends;

    public DownlinkPath(RouteTable routes, DataPlaneCounters counters) {
        this(routes, counters, TunQueueReader.Pass.NONE);
    }

    /** @param sends gathers what the routes send during one pass over a tun queue (the DTLS listener's batches) */
    public DownlinkPath(RouteTable routes, DataPlaneCounters counters, TunQueueReader.Pass sends) {
        this.routes = routes;
        this.counters = counters;
        this.sends = sends;
    }

    /** Brackets each pass of a tun queue reader (see {@link TunQueueReader.Pass}). */
    public TunQueueReader.Pass pass() {
        return sends;
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
