package io.github.tunnelgw.core.dataplane;

import io.github.tunnelgw.tun.Ipv4Header;
import io.netty.buffer.ByteBuf;

/**
 * Client to internal network. Steps, in the order a packet meets them:
 * 1. Version check (IPv4 only for now)
 * 2. Well-formedness (header length, total length within the frame)
 * 3. Anti-spoofing: the source must be the sender's own lease
 * 4. Egress: one write to the tun queue, or, on a batching egress, held until the batch ends so consecutive TCP
 *    segments leave as one
 */
public final class UplinkPath {
    private final PacketEgress egress;
    private final DataPlaneCounters counters;

    public UplinkPath(PacketEgress egress, DataPlaneCounters counters) {
        this.egress = egress;
        this.counters = counters;
    }

    /** Forwards one packet sent by the client holding {@code leasedAddress}. Does not take ownership. */
    public void forward(int leasedAddress, ByteBuf packet, int queueHint) {
        if (!Ipv4Header.isWellFormedIpv4(packet)) {
            countRejected(packet);
            return;
        }
        if (Ipv4Header.source(packet) != leasedAddress) {
            counters.spoofedDropped.increment();
            return;
        }
        int length = packet.readableBytes();
        if (egress.write(packet, queueHint)) {
            counters.uplinkPackets.increment();
            counters.uplinkBytes.add(length);
        } else {
            counters.egressDropped.increment();
        }
    }

    /** Ends a batch: what the egress held back leaves now (see {@link PacketEgress#batching()}). */
    public void flush() {
        int coalesced = egress.flush();
        if (coalesced > 0) {
            counters.uplinkCoalescedSegments.add(coalesced);
        }
    }

    private void countRejected(ByteBuf packet) {
        if (packet.isReadable() && (packet.getByte(packet.readerIndex()) & 0xF0) == 0x60) {
            counters.ipv6Dropped.increment();
        } else {
            counters.malformedDropped.increment();
        }
    }
}
