package io.github.tunnelgw.core.dataplane;

import io.netty.buffer.ByteBuf;

/** The way out to the internal network (the tun device). */
public interface PacketEgress {
    /** Writes one IP packet; does not take ownership. Returns false if the packet was dropped. */
    boolean write(ByteBuf packet, int queueHint);
}
