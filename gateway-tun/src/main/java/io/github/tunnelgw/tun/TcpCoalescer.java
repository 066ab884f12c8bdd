package io.github.tunnelgw.tun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.Objects;

/**
 * Receive offload for the uplink. Consecutive segments of one TCP connection, as a batch of datagrams from a client
 * brings them, are merged into one super-packet and written with {@link TunQueue#writeTcpSegments}: the kernel then
 * routes, NATs and delivers them once instead of once per segment (a profile of a DTLS upload had 53 % of the
 * gateway's CPU in the kernel work behind its tun writes), and cuts them again only where a device needs it.
 *
 * <p>What merges is what Linux's own GRO would merge: IPv4 without options or fragments; TCP with only ACK (and
 * PSH) set and a payload; the same addresses, ports, TOS, TTL and DF bit; byte-identical TCP headers apart from
 * the sequence number, the checksum and PSH; each segment starting where the previous one ended; every segment but
 * the last exactly as long as the first. A segment with PSH, or a shorter one, ends its super-packet. Everything
 * else is written at once, after whatever of its own connection is held, so a connection's packets keep their
 * order. The original TCP checksums are not checked: the kernel recomputes them for the merged segments, and the
 * packets came through an authenticated DTLS record, so transport corruption is already ruled out; a client that
 * sends a bad checksum on purpose only affects its own connection.
 *
 * <p>One per thread (an event loop): not thread-safe. Packets are held until {@link #flush()}, which the owner calls
 * at the end of each batch.
 */
public final class TcpCoalescer {
    /** Connections merged at once; one more starts by flushing the oldest. */
    static final int MAX_FLOWS = 8;
    static final int IPV4_HEADER = 20;
    private static final int PROTOCOL_TCP = 6;
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

    public TcpCoalescer(TunQueue[] queues) {
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
        if (!isPlainTcp(packet, at, length)) {
            return write(packet, queueHint);
        }
        int tcpHeader = (packet.getUnsignedByte(at + IPV4_HEADER + 12) >>> 4) * 4;
        int flags = packet.getUnsignedByte(at + IPV4_HEADER + 13);
        int payload = length - IPV4_HEADER - tcpHeader;
        Flow flow = find(packet, at);
        boolean mergeable = (flags & (FIN | SYN | RST | URG | ECE | CWR)) == 0 && (flags & ACK) != 0 && payload > 0;
        if (flow != null && mergeable && flow.accepts(packet, at, tcpHeader, payload)) {
            flow.append(packet, at + IPV4_HEADER + tcpHeader, payload, (flags & PSH) != 0);
            return true;
        }
        if (flow != null) {
            pendingMerged += flush(flow);
        }
        if (!mergeable) {
            return write(packet, queueHint);
        }
        start(packet, at, length, tcpHeader, payload, (flags & PSH) != 0, queueHint);
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

    /** IPv4 without options or fragmentation, TCP with a sound header, lengths that agree. */
    private static boolean isPlainTcp(ByteBuf p, int at, int length) {
        if (length < IPV4_HEADER + 20 || p.getUnsignedByte(at) != 0x45 || p.getUnsignedByte(at + 9) != PROTOCOL_TCP
                || p.getUnsignedShort(at + 2) != length || (p.getUnsignedShort(at + 6) & 0x3FFF) != 0) {
            return false;
        }
        int tcpHeader = (p.getUnsignedByte(at + IPV4_HEADER + 12) >>> 4) * 4;
        return tcpHeader >= 20 && IPV4_HEADER + tcpHeader <= length;
    }

    private Flow find(ByteBuf p, int at) {
        long addresses = p.getLong(at + 12);
        int ports = p.getInt(at + IPV4_HEADER);
        for (Flow flow : flows) {
            if (flow != null && flow.active && flow.addresses == addresses && flow.ports == ports) {
                return flow;
            }
        }
        return null;
    }

    private void start(ByteBuf p, int at, int length, int tcpHeader, int payload, boolean push, int queueHint) {
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
        slot.begin(p, at, length, tcpHeader, payload, push, queueHint, nextOrder++);
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
        if (queue.writeTcpSegments(flow.buffer, IPV4_HEADER, flow.tcpHeader, flow.segmentSize)) {
            return flow.segments - 1;
        }
        dropped += flow.segments;
        return 0;
    }

    private boolean write(ByteBuf packet, int queueHint) {
        return queues[Math.floorMod(queueHint, queues.length)].write(packet);
    }

    /** One connection's super-packet being built: the first segment's headers, then every payload in order. */
    private static final class Flow {
        final ByteBuf buffer = Unpooled.directBuffer(TunQueue.MAX_PACKET, TunQueue.MAX_PACKET);
        boolean active;
        long order;
        long addresses;
        int ports;
        int queueHint;
        int tcpHeader;
        int segmentSize;
        int segments;
        int nextSequence;
        boolean closed;

        void begin(ByteBuf p, int at, int length, int tcpHeader, int payload, boolean push, int queueHint, long order) {
            buffer.clear();
            buffer.writeBytes(p, at, length);
            this.active = true;
            this.order = order;
            this.addresses = p.getLong(at + 12);
            this.ports = p.getInt(at + IPV4_HEADER);
            this.queueHint = queueHint;
            this.tcpHeader = tcpHeader;
            this.segmentSize = payload;
            this.segments = 1;
            this.nextSequence = p.getInt(at + IPV4_HEADER + 4) + payload;
            this.closed = push;
        }

        /** Whether the segment continues this super-packet (the caller checked the flags and the connection). */
        boolean accepts(ByteBuf p, int at, int tcpHeaderOfP, int payload) {
            if (closed || tcpHeaderOfP != tcpHeader || payload > segmentSize || segments >= MAX_SEGMENTS
                    || buffer.writerIndex() + payload > TunQueue.MAX_PACKET
                    || p.getInt(at + IPV4_HEADER + 4) != nextSequence) {
                return false;
            }
            // IP: TOS (byte 1), DF (byte 6), TTL (byte 8) as in the first segment; the ID may differ
            if (p.getByte(at + 1) != buffer.getByte(1) || p.getByte(at + 6) != buffer.getByte(6)
                    || p.getByte(at + 8) != buffer.getByte(8)) {
                return false;
            }
            // TCP: acknowledgement, offset, flags but PSH, window, urgent pointer and options all equal
            int t = at + IPV4_HEADER;
            if (p.getInt(t + 8) != buffer.getInt(IPV4_HEADER + 8)
                    || (p.getShort(t + 12) | PSH) != (buffer.getShort(IPV4_HEADER + 12) | PSH)
                    || p.getShort(t + 14) != buffer.getShort(IPV4_HEADER + 14)
                    || p.getShort(t + 18) != buffer.getShort(IPV4_HEADER + 18)) {
                return false;
            }
            for (int i = 20; i < tcpHeader; i += 4) {
                if (p.getInt(t + i) != buffer.getInt(IPV4_HEADER + i)) {
                    return false;
                }
            }
            return true;
        }

        void append(ByteBuf p, int payloadAt, int payload, boolean push) {
            buffer.writeBytes(p, payloadAt, payload);
            segments++;
            nextSequence += payload;
            if (push) {
                buffer.setByte(IPV4_HEADER + 13, buffer.getByte(IPV4_HEADER + 13) | PSH);
            }
            closed = push || payload < segmentSize;
        }

        /** IP total length and header checksum for the whole; the TCP checksum field gets the pseudo-header sum. */
        void finishHeaders() {
            int total = buffer.writerIndex();
            buffer.setShort(2, total);
            buffer.setShort(10, 0);
            buffer.setShort(10, ~InternetChecksum.fold(InternetChecksum.sum(buffer, 0, IPV4_HEADER, 0)));
            long pseudo = InternetChecksum.sum(buffer, 12, 8, PROTOCOL_TCP + (total - IPV4_HEADER));
            buffer.setShort(IPV4_HEADER + 16, InternetChecksum.fold(pseudo));
        }
    }
}
