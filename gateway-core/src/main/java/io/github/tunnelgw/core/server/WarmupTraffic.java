package io.github.tunnelgw.core.server;

import io.github.tunnelgw.core.dtls.DtlsSelfClient;
import org.bouncycastle.tls.DTLSTransport;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * What the data-path warm-up's client sends over its DTLS channel, to {@link PacketReflector#PEER}, in the two shapes
 * real traffic has: single packets answered one at a time (a ping, an interactive session: every packet is a batch
 * of its own on each path) and bursts of full-size TCP segments of one flow (a transfer: the uplink merges them, the
 * reflected super-packet is cut up again and the records leave in one segmented send). The first half of the
 * packets goes as singles, the rest in bursts. It stops at its deadline even if it has not sent them all.
 *
 * <p>Packets lost on the way are tolerated (a reply that does not come within {@link #REPLY_WAIT_MILLIS} is given up),
 * but a warm-up that got nothing back fails: then the paths were not exercised.
 */
final class WarmupTraffic implements DtlsSelfClient.Traffic {
    static final int BURST = 16;
    static final int SEGMENT_PAYLOAD = 1200;
    private static final int REPLY_WAIT_MILLIS = 200;
    private static final int IPV4_HEADER = 20, TCP_HEADER = 20;

    private final int packets;
    private final long deadlineNanos;
    private int sent;
    private int received;

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

    @Override
    public void run(DTLSTransport dtls, byte[] packet) throws IOException {
        int source = ByteBuffer.wrap(packet).getInt(12);
        byte[] echo = record(echoRequest(source));
        byte[] segment = record(tcpSegment(source));
        byte[] in = new byte[2048];
        int singles = packets / 2;
        while (sent < singles && System.nanoTime() < deadlineNanos) {
            dtls.send(echo, 0, echo.length);
            sent++;
            awaitReplies(dtls, in, 1);
        }
        int sequence = 1;
        while (sent < packets && System.nanoTime() < deadlineNanos) {
            for (int i = 0; i < BURST; i++) {
                ByteBuffer.wrap(segment).putInt(1 + IPV4_HEADER + 4, sequence);
                sequence += SEGMENT_PAYLOAD;
                dtls.send(segment, 0, segment.length);
            }
            sent += BURST;
            awaitReplies(dtls, in, BURST);
        }
        if (received == 0) {
            throw new IOException("none of the " + sent + " packets the data-path warm-up sent came back");
        }
    }

    private void awaitReplies(DTLSTransport dtls, byte[] in, int expected) throws IOException {
        for (int got = 0; got < expected; ) {
            int n = dtls.receive(in, 0, in.length, REPLY_WAIT_MILLIS);
            if (n < 0) {
                return;
            }
            if (n > 1 && in[0] == DtlsSelfClient.DATA) {
                got++;
                received++;
            }
        }
    }

    private static byte[] record(byte[] packet) {
        byte[] record = new byte[packet.length + 1];
        record[0] = DtlsSelfClient.DATA;
        System.arraycopy(packet, 0, record, 1, packet.length);
        return record;
    }

    private static byte[] echoRequest(int source) {
        ByteBuffer packet = ipv4(source, 1, 8 + 56);
        packet.put(IPV4_HEADER, (byte) 8);
        return packet.array();
    }

    /** An ACK-only segment of one flow, so consecutive ones merge; the burst loop fills in the sequence number. */
    private static byte[] tcpSegment(int source) {
        ByteBuffer packet = ipv4(source, 6, TCP_HEADER + SEGMENT_PAYLOAD);
        packet.putShort(IPV4_HEADER, (short) 40000).putShort(IPV4_HEADER + 2, (short) 5201)
                .putInt(IPV4_HEADER + 8, 1)
                .put(IPV4_HEADER + 12, (byte) (TCP_HEADER / 4 << 4)).put(IPV4_HEADER + 13, (byte) 0x10)
                .putShort(IPV4_HEADER + 14, (short) 0xFFFF);
        return packet.array();
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
