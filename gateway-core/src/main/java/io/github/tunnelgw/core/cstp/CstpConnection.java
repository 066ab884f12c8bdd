package io.github.tunnelgw.core.cstp;

import io.github.tunnelgw.core.dataplane.ChannelSwitch;
import io.github.tunnelgw.core.dataplane.ClientRoute;
import io.github.tunnelgw.core.dataplane.DataPlaneCounters;
import io.github.tunnelgw.core.session.EndReason;
import io.github.tunnelgw.core.session.Session;
import io.github.tunnelgw.core.session.TunnelConnection;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;

/**
 * A session's CSTP channel as seen by the packet switch (a {@link ClientRoute}) and by the registry.
 *
 * <p>Every frame is written and flushed on its own: Netty's SslHandler wraps everything pending at a flush into
 * as few TLS records as it can, and openconnect accepts exactly one CSTP frame per record.
 *
 * <p>The route registered for the lease is a {@link ChannelSwitch} with this connection as its fallback, so a DTLS
 * channel can take over the downlink while it is alive without touching the route table.
 */
public final class CstpConnection implements TunnelConnection, ClientRoute {
    private static final byte[] EMPTY = new byte[0];

    private final Channel channel;
    private final Session session;
    private final DataPlaneCounters counters;
    private final ChannelSwitch route;

    public CstpConnection(Channel channel, Session session, DataPlaneCounters counters) {
        this.channel = channel;
        this.session = session;
        this.counters = counters;
        this.route = new ChannelSwitch(this);
    }

    public Channel channel() {
        return channel;
    }

    public Session session() {
        return session;
    }

    @Override
    public ChannelSwitch route() {
        return route;
    }

    /**
     * The client sent an IP packet of {@code length} bytes over CSTP: counted, and as the client has given up on DTLS
     * for now, the downlink follows (reference §5.5).
     */
    public void dataArrivedOverCstp(int length) {
        counters.cstpUplinkPackets.increment();
        counters.cstpUplinkBytes.add(length);
        route.useFallback();
    }

    /** Downlink: frame in place and send; drop (counted) when the client's connection is backed up. */
    @Override
    public void deliver(ByteBuf packet) {
        if (!channel.isWritable()) {
            counters.congestionDropped.increment();
            packet.release();
            return;
        }
        session.markData();
        counters.cstpDownlinkPackets.increment();
        counters.cstpDownlinkBytes.add(packet.readableBytes());
        channel.writeAndFlush(CstpFrame.prependDataHeader(packet), channel.voidPromise());
    }

    /** Sends a zero-length DISCONNECT, as ocserv does on any server-side termination, then closes. */
    @Override
    public void disconnect(EndReason reason) {
        if (!channel.isActive()) {
            return;
        }
        channel.writeAndFlush(CstpFrame.control(channel.alloc(), CstpFrame.DISCONNECT, EMPTY))
                .addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void close() {
        channel.close();
    }
}
