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

    /** Uplink IP packets and bytes that arrived in CSTP DATA frames on the TLS connection (before forwarding). */
    public final LongAdder cstpUplinkPackets = new LongAdder();
    public final LongAdder cstpUplinkBytes = new LongAdder();
    /** Downlink IP packets and bytes sent in CSTP DATA frames, including those too big for DTLS. */
    public final LongAdder cstpDownlinkPackets = new LongAdder();
    public final LongAdder cstpDownlinkBytes = new LongAdder();

    /** Uplink IP packets and bytes that arrived over DTLS (a part of uplinkPackets/uplinkBytes once forwarded). */
    public final LongAdder dtlsUplinkPackets = new LongAdder();
    public final LongAdder dtlsUplinkBytes = new LongAdder();
    /** Downlink IP packets and bytes sent over DTLS (the rest of downlinkPackets went over CSTP). */
    public final LongAdder dtlsDownlinkPackets = new LongAdder();
    public final LongAdder dtlsDownlinkBytes = new LongAdder();
    /** DTLS datagrams that are not DTLS records we accept (too short, wrong type, malformed ClientHello). */
    public final LongAdder dtlsGarbageDropped = new LongAdder();
    /** ClientHellos that are fragmented or larger than we accept before authentication. */
    public final LongAdder dtlsOversizedHelloDropped = new LongAdder();
    /** DTLS datagrams naming no live session, or from an address with no DTLS state. */
    public final LongAdder dtlsUnknownSessionDropped = new LongAdder();
    /** ClientHellos identical (same random) to the one that opened the live DTLS state: replays. */
    public final LongAdder dtlsReplayedHelloDropped = new LongAdder();
    /** ClientHellos dropped because the concurrent-handshake cap was reached or one is already running. */
    public final LongAdder dtlsHandshakeLimitDropped = new LongAdder();
    /** HelloVerifyRequests sent (ClientHellos without a valid cookie). */
    public final LongAdder dtlsHelloVerifyRequests = new LongAdder();
    public final LongAdder dtlsHandshakesCompleted = new LongAdder();
    public final LongAdder dtlsHandshakesFailed = new LongAdder();
    /** Records of a live DTLS association that did not decrypt or carried no data. */
    public final LongAdder dtlsUndecryptableDropped = new LongAdder();
    /** Outgoing DTLS datagrams the kernel refused with an error other than a full buffer (e.g. unreachable). */
    public final LongAdder dtlsSendErrors = new LongAdder();
    /** Uplink TCP segments that left for the tun inside an earlier segment's super-packet (receive offload). */
    public final LongAdder uplinkCoalescedSegments = new LongAdder();
    /** DTLS sends that carried two or more datagrams at once (UDP_SEGMENT). */
    public final LongAdder dtlsSegmentedSends = new LongAdder();
}
