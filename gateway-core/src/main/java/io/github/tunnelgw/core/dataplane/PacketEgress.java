package io.github.tunnelgw.core.dataplane;

import io.netty.buffer.ByteBuf;

/** The way out to the internal network (the tun device). */
public interface PacketEgress {
    /** Writes one IP packet; does not take ownership. Returns false if the packet was dropped. */
    boolean write(ByteBuf packet, int queueHint);

    /**
     * An egress for the calling thread alone that may hold packets back, to hand the OS fewer and larger writes
     * (TCP segments merged into one super-packet). Its owner calls {@link #flush()} at the end of every batch it
     * receives, before it waits for more. This one holds nothing back and is its own batching egress.
     */
    default PacketEgress batching() {
        return this;
    }

    /**
     * Writes whatever a {@link #batching()} egress holds.
     *
     * @return the packets that left inside another packet's super-packet
     */
    default int flush() {
        return 0;
    }
}
