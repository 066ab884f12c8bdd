package io.github.tunnelgw.core.server;

import io.github.tunnelgw.core.dtls.DtlsSelfClient;
import org.bouncycastle.tls.DTLSTransport;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * What the data-path warm-up's client sends over its CSTP connection (a thirty-second, before DTLS is up, as a client
 * whose UDP is blocked sends everything) and then over its DTLS channel, to {@link PacketReflector#PEER}, in the shapes
 * real traffic has, so that the JIT compiles every branch clients take and does not have to take back code built on
 * the guess that one is never taken:
 * <ul>
 * <li>single packets answered one at a time (a ping, an interactive session, a transfer's ACKs: every packet is a
 *     batch of its own on each path), in turn an ICMP echo request, a TCP ACK and a small UDP datagram; among them
 *     now and then a DPD request, a keepalive and an IPv6 packet (which the gateway drops), as clients send;</li>
 * <li>bursts of TCP segments of one flow (a transfer: the uplink merges them, the reflected super-packet is cut up
 *     again and the records leave in one segmented send), every other one ending in a shorter segment of an odd
 *     length; every TCP segment carries the timestamp option.</li>
 * </ul>
 * On each channel the first half of its share goes as singles, the rest in bursts, the last burst whole even where
 * that passes the share. It stops at its deadline even if it has not sent them all.
 *
 * <p>Packets lost on the way are tolerated (a reply that does not come within {@link #REPLY_WAIT_MILLIS} is given up),
 * but a warm-up that got nothing back fails: then the paths were not exercised.
 */
final class WarmupTraffic {
    static final int BURST = 16;
    static final int SEGMENT_PAYLOAD = 1200;
    private static final int REPLY_WAIT_MILLIS = 200;
    /** TCP's header with the timestamp option, as Linux and most phones send it (NOP, NOP, kind 8, length 10). */
    private static final int IPV4_HEADER = 20, TCP_HEADER = 32, UDP_HEADER = 8;
    /** Singles between two rounds of the records a client sends besides packets. */
    private static final int CONTROL_EVERY = 64;
    /** The tunnel protocol's types, the same in CSTP frames and DTLS records (reference §4, §5.4). */
    private static final byte DATA = 0x00, DPD_REQUEST = 0x03, KEEPALIVE = 0x07;

    /** One of the session's channels, as the client sees it. */
    interface Link {
        void send(byte type, byte[] payload) throws IOException;

        /** Waits for the next DATA message, skipping others; false if none came in time. */
        boolean awaitData() throws IOException;
    }

    private final int packets;
    private final long deadlineNanos;
    private int sent;
    private int received;

    /** @param packets how many to send in all, a thirty-second over CSTP and the rest over DTLS */
    WarmupTraffic(int packets, long deadlineNanos) {
        this.packets = packets;
        this.deadlineNanos = deadlineNanos;
    }

    int sent() {
        return sent;
    }

    int received() {
        return received;
    }

    /**
     * A thirty-second goes over CSTP: enough for the JIT to meet that path and compile it at its lower tiers (a round
     * trip there costs the warm-up's JDK TLS client several times a DTLS one, and the start-up budget is shared);
     * the rest over DTLS, the channel most traffic takes.
     */
    private int cstpShare() {
        return packets / 32;
    }

    /** The CSTP share (before DTLS is up, when the downlink routes to the TLS connection). */
    void overCstp(Link cstp, int source) throws IOException {
        exchange(cstp, source, cstpShare());
    }

    /** The DTLS share: the rest; fails if nothing at all came back. */
    DtlsSelfClient.Traffic overDtls() {
        return (dtls, packet) -> {
            exchange(new DtlsLink(dtls), ByteBuffer.wrap(packet).getInt(12), packets - cstpShare());
            if (received == 0) {
                throw new IOException("none of the " + sent + " packets the data-path warm-up sent came back");
            }
        };
    }

    private void exchange(Link link, int source, int count) throws IOException {
        byte[][] singles = {echoRequest(source), tcpSegment(source, 0), udpDatagram(source)};
        byte[] full = tcpSegment(source, SEGMENT_PAYLOAD);
        byte[] last = tcpSegment(source, SEGMENT_PAYLOAD / 2 + 1);
        int goal = sent + count;
        int singlesGoal = sent + count / 2;
        for (int i = 0; sent < singlesGoal && System.nanoTime() < deadlineNanos; i++) {
            if (i % CONTROL_EVERY == 0) {
                link.send(DPD_REQUEST, new byte[0]);
                link.send(KEEPALIVE, new byte[0]);
                link.send(DATA, ipv6Packet());
            }
            link.send(DATA, singles[i % singles.length]);
            sent++;
            awaitReplies(link, 1);
        }
        int sequence = 1;
        for (int burst = 0; sent < goal && System.nanoTime() < deadlineNanos; burst++) {
            for (int i = 0; i < BURST; i++) {
                byte[] segment = i == BURST - 1 && burst % 2 == 1 ? last : full;
                ByteBuffer.wrap(segment).putInt(IPV4_HEADER + 4, sequence);
                sequence += segment.length - IPV4_HEADER - TCP_HEADER;
                link.send(DATA, segment);
            }
            sent += BURST;
            awaitReplies(link, BURST);
        }
    }

    private void awaitReplies(Link link, int expected) throws IOException {
        for (int got = 0; got < expected && link.awaitData(); got++) {
            received++;
        }
    }

    /** DTLS records: a type byte, then the payload; replies not back within {@link #REPLY_WAIT_MILLIS} are lost. */
    private record DtlsLink(DTLSTransport dtls, byte[] in) implements Link {
        DtlsLink(DTLSTransport dtls) {
            this(dtls, new byte[2048]);
        }

        @Override
        public void send(byte type, byte[] payload) throws IOException {
            byte[] record = new byte[payload.length + 1];
            record[0] = type;
            System.arraycopy(payload, 0, record, 1, payload.length);
            dtls.send(record, 0, record.length);
        }

        @Override
        public boolean awaitData() throws IOException {
            while (true) {
                int n = dtls.receive(in, 0, in.length, REPLY_WAIT_MILLIS);
                if (n < 0) {
                    return false;
                }
                if (n > 1 && in[0] == DATA) {
                    return true;
                }
            }
        }
    }

    private static byte[] echoRequest(int source) {
        ByteBuffer packet = ipv4(source, 1, 8 + 56);
        packet.put(IPV4_HEADER, (byte) 8);
        return packet.array();
    }

    /**
     * An ACK segment of one flow carrying {@code payload} bytes, so consecutive ones merge; the burst loop fills in
     * the sequence number.
     */
    private static byte[] tcpSegment(int source, int payload) {
        ByteBuffer packet = ipv4(source, 6, TCP_HEADER + payload);
        packet.putShort(IPV4_HEADER, (short) 40000).putShort(IPV4_HEADER + 2, (short) 5201)
                .putInt(IPV4_HEADER + 8, 1)
                .put(IPV4_HEADER + 12, (byte) (TCP_HEADER / 4 << 4)).put(IPV4_HEADER + 13, (byte) 0x10)
                .putShort(IPV4_HEADER + 14, (short) 0xFFFF)
                .putInt(IPV4_HEADER + 20, 0x0101_080A).putInt(IPV4_HEADER + 24, 1).putInt(IPV4_HEADER + 28, 1);
        return packet.array();
    }

    private static byte[] udpDatagram(int source) {
        ByteBuffer packet = ipv4(source, 17, UDP_HEADER + 56);
        packet.putShort(IPV4_HEADER, (short) 40001).putShort(IPV4_HEADER + 2, (short) 53)
                .putShort(IPV4_HEADER + 4, (short) (UDP_HEADER + 56));
        return packet.array();
    }

    /** A bare IPv6 header with nothing after it (next header 59): what a client's IPv6 stack may send. */
    private static byte[] ipv6Packet() {
        byte[] packet = new byte[40];
        packet[0] = 0x60;
        packet[6] = 59;
        packet[7] = 64;
        return packet;
    }

    private static ByteBuffer ipv4(int source, int protocol, int payload) {
        ByteBuffer packet = ByteBuffer.allocate(IPV4_HEADER + payload);
        packet.put(0, (byte) 0x45).putShort(2, (short) (IPV4_HEADER + payload)).putShort(6, (short) 0x4000)
                .put(8, (byte) 64).put(9, (byte) protocol).putInt(12, source).putInt(16, PacketReflector.PEER);
        packet.putShort(10, headerChecksum(packet));
        return packet;
    }

    private static short headerChecksum(ByteBuffer packet) {
        int sum = 0;
        for (int i = 0; i < IPV4_HEADER; i += 2) {
            sum += packet.getShort(i) & 0xFFFF;
        }
        sum = (sum & 0xFFFF) + (sum >>> 16);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        return (short) ~sum;
    }
}
