package io.github.tunnelgw.core.dataplane;

import java.util.concurrent.atomic.LongAdder;

/** Packet-path counters: LongAdders so that many threads count without contending. */
public final class DataPlaneCounters {
    public final LongAdder uplinkPackets = new LongAdder();
    public final LongAdder uplinkBytes = new LongAdder();
    public final LongAdder downlinkPackets = new LongAdder();
    public final LongAdder downlinkBytes = new LongAdder();
    /** Uplink packets whose source address is not the sender's lease. */
    public final LongAdder spoofedDropped = new LongAdder();
    /** Packets that are not well-formed IPv4 (either direction). */
    public final LongAdder malformedDropped = new LongAdder();
    /** IPv6 packets; the gateway does not route IPv6 yet. */
    public final LongAdder ipv6Dropped = new LongAdder();
    /** Downlink packets for an address that has no connected client. */
    public final LongAdder noRouteDropped = new LongAdder();
    /** Downlink packets dropped because the client's connection could not take more. */
    public final LongAdder congestionDropped = new LongAdder();
    /** Uplink packets the tun device refused. */
    public final LongAdder egressDropped = new LongAdder();
}
