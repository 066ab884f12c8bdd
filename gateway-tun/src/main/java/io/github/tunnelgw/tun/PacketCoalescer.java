package io.github.tunnelgw.tun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.Objects;

/**
 * Receive offload for the uplink. Consecutive TCP segments of one connection, and consecutive UDP datagrams of one
 * flow, as a batch of datagrams from a client brings them, are merged into one super-packet and written with
 * {@link TunQueue#writeTcpSegments} or {@link TunQueue#writeUdpSegments}: the kernel then routes, NATs and delivers
 * them once instead of once per packet (a profile of a DTLS upload had 53 % of the gateway's CPU in the kernel work
 * behind its tun writes), and cuts them again only where a device or socket needs it, into exactly the packets
 * that went in.
 *
 * <p>What merges, for TCP, is what Linux's own GRO would merge: IPv4 without options or fragments; TCP with only
 * ACK (and PSH) set and a payload; the same addresses, ports, TOS, TTL and DF bit; byte-identical TCP headers apart
 * from the sequence number, the checksum and PSH; each segment starting where the previous one ended; every segment
 * but the last exactly as long as the first. A segment with PSH, or a shorter one, ends its super-packet. For UDP:
 * datagrams with a payload, the same addresses, ports, TOS, TTL and DF bit, each as long as the first but the last
 * (a shorter one ends the super-packet); their boundaries are restored exactly by the segmentation. Everything else
 * is written at once, after whatever of its own flow is held, so a flow's packets keep their order. The original
 * checksums are not checked: the kernel computes new ones, and the packets came through an authenticated DTLS or
 * TLS record, so transport corruption is ruled out; a client that sends a bad checksum on purpose only affects its
 * own flow.
 *
 * <p>One per thread (an event loop): not thread-safe. Packets are held until {@link #flush()}, which the owner calls
 * at the end of each batch.
 */
public final class PacketCoalescer {
    /** Flows merged at once; one more starts by flushing the oldest. */
    static final int MAX_FLOWS = 8;
    static final int IPV4_HEADER = 20;
    private static final int PROTOCOL_TCP = 6;
    private static final int PROTOCOL_UDP = 17;
    static final int UDP_HEADER = 8;
    private static final int FIN = 0x01;
    private static final int SYN = 0x02;
    private static final int RST = 0x04;
    private static final int PSH = 0x08;
    private static final int ACK = 0x10;
    private static final int URG = 0x20;
    private static final int ECE = 0x40;
    private static final int CWR = 0x80;
    /** The kernel's limit for a GSO packet's segment count (a conservative one; 64 KB is the binding limit). */
    private static final int MAX_SEGMENTS = 64;

    private final TunQueue[] queues;
    private final Flow[] flows = new Flow[MAX_FLOWS];
    private long nextOrder;
    private long dropped;
    /** Merged segments of super-packets that add() had to write early; reported by the next flush(). */
    private int pendingMerged;

    public PacketCoalescer(TunQueue[] queues) {
        Objects.requireNonNull(queues, "queues");
        if (queues.length == 0) {
            throw new IllegalArgumentException("no tun queues to write to");
        }
        this.queues = queues.clone();
    }

    /**
     * Takes a packet bound for the tun: holds a copy of it for merging, or writes it now. Does not take ownership.
     *
     * @param queueHint chooses the queue, as for a plain write (all of a client's packets share one)
     * @return false if the packet was written now and the kernel dropped it; true otherwise
     */
    public boolean add(ByteBuf packet, int queueHint) {
        int at = packet.readerIndex();
        int length = packet.readableBytes();
        int protocol = plainProtocol(packet, at, length);
        if (protocol < 0) {
            return write(packet, queueHint);
        }
        int transportHeader;
        boolean mergeable;
        boolean ends;
        if (protocol == PROTOCOL_TCP) {
            transportHeader = (packet.getUnsignedByte(at + IPV4_HEADER + 12) >>> 4) * 4;
            int flags = packet.getUnsignedByte(at + IPV4_HEADER + 13);
            mergeable = (flags & (FIN | SYN | RST | URG | ECE | CWR)) == 0 && (flags & ACK) != 0;
            ends = (flags & PSH) != 0;
        } else {
            transportHeader = UDP_HEADER;
            mergeable = true;
            ends = false;
        }
        int payload = length - IPV4_HEADER - transportHeader;
        mergeable &= payload > 0;
        Flow flow = find(packet, at, protocol);
        if (flow != null && mergeable && flow.accepts(packet, at, transportHeader, payload)) {
            flow.append(packet, at + IPV4_HEADER + transportHeader, payload, ends);
            return true;
        }
        if (flow != null) {
            pendingMerged += flush(flow);
        }
        if (!mergeable) {
            return write(packet, queueHint);
        }
        start(packet, at, length, protocol, transportHeader, payload, ends, queueHint);
        return true;
    }

    /**
     * Writes everything held, in the order the connections first appeared.
     *
     * @return the segments that left inside an earlier segment's super-packet since the last flush
     */
    public int flush() {
        int merged = pendingMerged;
        pendingMerged = 0;
        for (Flow oldest = oldestActive(); oldest != null; oldest = oldestActive()) {
            merged += flush(oldest);
        }
        return merged;
    }

    private Flow oldestActive() {
        Flow oldest = null;
        for (Flow flow : flows) {
            if (flow != null && flow.active && (oldest == null || flow.order < oldest.order)) {
                oldest = flow;
            }
        }
        return oldest;
    }

    /** Held packets the kernel did not take at flush time (EAGAIN or refused), counted per segment. */
    public long dropped() {
        return dropped;
    }

    /** TCP or UDP in IPv4 without options or fragmentation, with a sound header and lengths that agree; else -1. */
    private static int plainProtocol(ByteBuf p, int at, int length) {
        if (length < IPV4_HEADER + UDP_HEADER || p.getUnsignedByte(at) != 0x45 || p.getUnsignedShort(at + 2) != length
                || (p.getUnsignedShort(at + 6) & 0x3FFF) != 0) {
            return -1;
        }
        int protocol = p.getUnsignedByte(at + 9);
        if (protocol == PROTOCOL_UDP) {
            return p.getUnsignedShort(at + IPV4_HEADER + 4) == length - IPV4_HEADER ? PROTOCOL_UDP : -1;
        }
        if (protocol != PROTOCOL_TCP || length < IPV4_HEADER + 20) {
            return -1;
        }
        int tcpHeader = (p.getUnsignedByte(at + IPV4_HEADER + 12) >>> 4) * 4;
        return tcpHeader >= 20 && IPV4_HEADER + tcpHeader <= length ? PROTOCOL_TCP : -1;
    }

    private Flow find(ByteBuf p, int at, int protocol) {
        long addresses = p.getLong(at + 12);
        int ports = p.getInt(at + IPV4_HEADER);
        for (Flow flow : flows) {
            if (flow != null && flow.active && flow.protocol == protocol && flow.addresses == addresses
                    && flow.ports == ports) {
                return flow;
            }
        }
        return null;
    }

    private void start(ByteBuf p, int at, int length, int protocol, int transportHeader, int payload, boolean ends,
                       int queueHint) {
        Flow slot = null;
        for (int i = 0; i < flows.length && slot == null; i++) {
            if (flows[i] == null) {
                flows[i] = new Flow();
            }
            if (!flows[i].active) {
                slot = flows[i];
            }
        }
        if (slot == null) {
            slot = oldestActive();
            pendingMerged += flush(slot);
        }
        slot.begin(p, at, length, protocol, transportHeader, payload, ends, queueHint, nextOrder++);
    }

    /** @return the segments merged into the first one's super-packet, if it was written */
    private int flush(Flow flow) {
        flow.active = false;
        TunQueue queue = queues[Math.floorMod(flow.queueHint, queues.length)];
        if (flow.segments == 1) {
            if (!queue.write(flow.buffer)) {
                dropped++;
            }
            return 0;
        }
        flow.finishHeaders();
        boolean written = flow.protocol == PROTOCOL_TCP
                ? queue.writeTcpSegments(flow.buffer, IPV4_HEADER, flow.transportHeader, flow.segmentSize)
                : queue.writeUdpSegments(flow.buffer, IPV4_HEADER, flow.segmentSize);
        if (written) {
            return flow.segments - 1;
        }
        dropped += flow.segments;
        return 0;
    }

    private boolean write(ByteBuf packet, int queueHint) {
        return queues[Math.floorMod(queueHint, queues.length)].write(packet);
    }

    /** One flow's super-packet being built: the first packet's headers, then every payload in order. */
    private static final class Flow {
        final ByteBuf buffer = Unpooled.directBuffer(TunQueue.MAX_PACKET, TunQueue.MAX_PACKET);
        boolean active;
        long order;
        int protocol;
        long addresses;
        int ports;
        int queueHint;
        int transportHeader;
        int segmentSize;
        int segments;
        int nextSequence;
        boolean closed;

        void begin(ByteBuf p, int at, int length, int protocol, int transportHeader, int payload, boolean ends,
                   int queueHint, long order) {
            buffer.clear();
            buffer.writeBytes(p, at, length);
            this.active = true;
            this.order = order;
            this.protocol = protocol;
            this.addresses = p.getLong(at + 12);
            this.ports = p.getInt(at + IPV4_HEADER);
            this.queueHint = queueHint;
            this.transportHeader = transportHeader;
            this.segmentSize = payload;
            this.segments = 1;
            this.nextSequence = protocol == PROTOCOL_TCP ? p.getInt(at + IPV4_HEADER + 4) + payload : 0;
            this.closed = ends;
        }

        /** Whether the packet continues this super-packet (the caller checked the flags and the flow). */
        boolean accepts(ByteBuf p, int at, int transportHeaderOfP, int payload) {
            if (closed || transportHeaderOfP != transportHeader || payload > segmentSize || segments >= MAX_SEGMENTS
                    || buffer.writerIndex() + payload > TunQueue.MAX_PACKET) {
                return false;
            }
            // IP: TOS (byte 1), DF (byte 6), TTL (byte 8) as in the first packet; the ID may differ
            if (p.getByte(at + 1) != buffer.getByte(1) || p.getByte(at + 6) != buffer.getByte(6)
                    || p.getByte(at + 8) != buffer.getByte(8)) {
                return false;
            }
            return protocol != PROTOCOL_TCP || continuesTcp(p, at + IPV4_HEADER);
        }

        /** Next in sequence, and acknowledgement, offset, flags but PSH, window, urgent pointer and options equal. */
        private boolean continuesTcp(ByteBuf p, int t) {
            if (p.getInt(t + 4) != nextSequence || p.getInt(t + 8) != buffer.getInt(IPV4_HEADER + 8)
                    || (p.getShort(t + 12) | PSH) != (buffer.getShort(IPV4_HEADER + 12) | PSH)
                    || p.getShort(t + 14) != buffer.getShort(IPV4_HEADER + 14)
                    || p.getShort(t + 18) != buffer.getShort(IPV4_HEADER + 18)) {
                return false;
            }
            for (int i = 20; i < transportHeader; i += 4) {
                if (p.getInt(t + i) != buffer.getInt(IPV4_HEADER + i)) {
                    return false;
                }
            }
            return true;
        }

        void append(ByteBuf p, int payloadAt, int payload, boolean ends) {
            buffer.writeBytes(p, payloadAt, payload);
            segments++;
            nextSequence += payload;
            if (ends && protocol == PROTOCOL_TCP) {
                buffer.setByte(IPV4_HEADER + 13, buffer.getByte(IPV4_HEADER + 13) | PSH);
            }
            closed = ends || payload < segmentSize;
        }

        /**
         * IP total length and header checksum for the whole; the transport checksum field gets the pseudo-header
         * sum over the whole transport length (and UDP's length field that length), which the kernel's
         * segmentation adjusts for each piece.
         */
        void finishHeaders() {
            int total = buffer.writerIndex();
            int transportLength = total - IPV4_HEADER;
            buffer.setShort(2, total);
            buffer.setShort(10, 0);
            buffer.setShort(10, ~InternetChecksum.fold(InternetChecksum.sum(buffer, 0, IPV4_HEADER, 0)));
            long pseudo = InternetChecksum.sum(buffer, 12, 8, protocol + transportLength);
            if (protocol == PROTOCOL_TCP) {
                buffer.setShort(IPV4_HEADER + 16, InternetChecksum.fold(pseudo));
            } else {
                buffer.setShort(IPV4_HEADER + 4, transportLength);
                buffer.setShort(IPV4_HEADER + 6, InternetChecksum.fold(pseudo));
            }
        }
    }
}
