package io.github.tunnelgw.tun;

import io.netty.buffer.ByteBuf;

import java.nio.ByteBuffer;

/** Hand-built IPv4/UDP and IPv4/TCP packets with correct checksums, for writing into a tun. */
final class TestPackets {
    static final int IPV4_HEADER = 20;
    static final int UDP_HEADER = 8;

    private TestPackets() {
    }

    static byte[] udp(int source, int destination, int sourcePort, int destinationPort, byte[] payload) {
        int udpLength = UDP_HEADER + payload.length;
        int total = IPV4_HEADER + udpLength;
        ByteBuffer b = ByteBuffer.allocate(total);
        b.put((byte) 0x45).put((byte) 0).putShort((short) total).putShort((short) 0x1234).putShort((short) 0x4000)
                .put((byte) 64).put((byte) 17).putShort((short) 0).putInt(source).putInt(destination);
        b.putShort(10, (short) ~fold(sum(b.array(), 0, IPV4_HEADER, 0)));
        b.putShort((short) sourcePort).putShort((short) destinationPort).putShort((short) udpLength).putShort((short) 0)
                .put(payload);
        // UDP checksum over the pseudo-header (addresses, protocol, UDP length) and the datagram.
        long pseudo = (source >>> 16) + (source & 0xFFFF) + (destination >>> 16) + (destination & 0xFFFF) + 17 + udpLength;
        int udpSum = ~fold(sum(b.array(), IPV4_HEADER, udpLength, pseudo)) & 0xFFFF;
        b.putShort(IPV4_HEADER + 6, (short) (udpSum == 0 ? 0xFFFF : udpSum));
        return b.array();
    }

    static final int TCP_HEADER = 20;
    static final int ACK = 0x10;
    static final int PSH = 0x08;
    static final int FIN = 0x01;

    /** An IPv4/TCP segment with correct checksums; {@code options} (a multiple of 4 bytes) follow the fixed header. */
    static byte[] tcp(int source, int destination, int sourcePort, int destinationPort, int sequence, int ack,
                      int flags, byte[] options, byte[] payload) {
        int tcpLength = TCP_HEADER + options.length + payload.length;
        int total = IPV4_HEADER + tcpLength;
        ByteBuffer b = ByteBuffer.allocate(total);
        b.put((byte) 0x45).put((byte) 0).putShort((short) total).putShort((short) 0x1234).putShort((short) 0x4000)
                .put((byte) 64).put((byte) 6).putShort((short) 0).putInt(source).putInt(destination);
        b.putShort(10, (short) ~fold(sum(b.array(), 0, IPV4_HEADER, 0)));
        b.putShort((short) sourcePort).putShort((short) destinationPort).putInt(sequence).putInt(ack)
                .put((byte) (((TCP_HEADER + options.length) / 4) << 4)).put((byte) flags).putShort((short) 502)
                .putShort((short) 0).putShort((short) 0).put(options).put(payload);
        long pseudo = (source >>> 16) + (source & 0xFFFF) + (destination >>> 16) + (destination & 0xFFFF) + 6 + tcpLength;
        b.putShort(IPV4_HEADER + 16, (short) ~fold(sum(b.array(), IPV4_HEADER, tcpLength, pseudo)));
        return b.array();
    }

    /** Whether the TCP checksum of an IPv4/TCP packet at the reader index verifies. */
    static boolean tcpChecksumVerifies(ByteBuf packet) {
        int ihl = Ipv4Header.headerLength(packet);
        int tcpLength = Ipv4Header.totalLength(packet) - ihl;
        byte[] tcp = new byte[tcpLength];
        packet.getBytes(packet.readerIndex() + ihl, tcp);
        int s = Ipv4Header.source(packet);
        int d = Ipv4Header.destination(packet);
        long pseudo = (s >>> 16) + (s & 0xFFFF) + (d >>> 16) + (d & 0xFFFF) + 6 + tcpLength;
        return fold(sum(tcp, 0, tcpLength, pseudo)) == 0xFFFF;
    }

    /** Whether the IPv4 header checksum of the packet at the reader index verifies. */
    static boolean headerChecksumVerifies(ByteBuf packet) {
        byte[] header = new byte[Ipv4Header.headerLength(packet)];
        packet.getBytes(packet.readerIndex(), header);
        return fold(sum(header, 0, header.length, 0)) == 0xFFFF;
    }

    /** Whether the UDP checksum of an IPv4/UDP packet verifies (0 means "not computed" and also passes). */
    static boolean udpChecksumVerifies(ByteBuf packet) {
        int ihl = Ipv4Header.headerLength(packet);
        int udpLength = Ipv4Header.totalLength(packet) - ihl;
        byte[] udp = new byte[udpLength];
        packet.getBytes(packet.readerIndex() + ihl, udp);
        if (udp[6] == 0 && udp[7] == 0) {
            return true;
        }
        int s = Ipv4Header.source(packet);
        int d = Ipv4Header.destination(packet);
        long pseudo = (s >>> 16) + (s & 0xFFFF) + (d >>> 16) + (d & 0xFFFF) + 17 + udpLength;
        return fold(sum(udp, 0, udpLength, pseudo)) == 0xFFFF;
    }

    /** RFC 1071 word by word, the plain way: the reference the production checksum is tested against. */
    static long sum(byte[] bytes, int offset, int length, long initial) {
        long sum = initial;
        for (int i = 0; i < length; i += 2) {
            int high = bytes[offset + i] & 0xFF;
            int low = i + 1 < length ? bytes[offset + i + 1] & 0xFF : 0;
            sum += high << 8 | low;
        }
        return sum;
    }

    static int fold(long sum) {
        while (sum > 0xFFFF) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }
}
