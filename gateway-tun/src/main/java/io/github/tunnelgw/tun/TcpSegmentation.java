package io.github.tunnelgw.tun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.ByteBuffer;

import java.util.function.Consumer;

/**
 * Transmit offload, the gateway's side of it: the tun advertises TCP segmentation (TSO) and checksum offload, so the
 * kernel hands it a whole TCP super-packet (up to 64 KB) per read instead of cutting it and reading each piece
 * through a system call. Here the super-packet is cut into segments of the size the kernel asked for, each a
 * complete IPv4 packet with its own headers and checksums, as a NIC would; and a single packet whose TCP or UDP
 * checksum the kernel left to "the device" gets it filled in.
 */
final class TcpSegmentation {
    private static final int FIN = 0x01;
    private static final int PSH = 0x08;
    private static final int CWR = 0x80;

    private TcpSegmentation() {
    }

    /**
     * Cuts the IPv4/TCP super-packet at the reader index into segments of {@code segmentSize} payload bytes (the
     * last may be shorter) and hands each, in a new buffer with {@code headroom} free bytes in front and
     * {@code tailroom} behind, to the sink.
     *
     * @param bytes the packet's memory as a big-endian NIO buffer with the same indices (the tun reader's own read
     *              buffer), for summing the payloads fast without a view object per packet
     * @return the number of segments handed on; fewer than the packet holds if it is malformed (not IPv4/TCP, or
     * headers longer than the packet) or a buffer could not be allocated
     */
    static int split(ByteBuf packet, ByteBuffer bytes, int segmentSize, ByteBufAllocator alloc, int headroom,
                     int tailroom, Consumer<ByteBuf> sink) {
        int at = packet.readerIndex();
        int length = packet.readableBytes();
        if (length < 40 || (packet.getUnsignedByte(at) >>> 4) != 4 || packet.getUnsignedByte(at + 9) != 6
                || segmentSize <= 0) {
            return 0;
        }
        int ipHeader = (packet.getUnsignedByte(at) & 0x0F) * 4;
        if (ipHeader < 20 || ipHeader + 20 > length) {
            return 0;
        }
        int tcpHeader = (packet.getUnsignedByte(at + ipHeader + 12) >>> 4) * 4;
        int headers = ipHeader + tcpHeader;
        if (tcpHeader < 20 || headers > length) {
            return 0;
        }
        int firstSequence = packet.getInt(at + ipHeader + 4);
        int firstId = packet.getUnsignedShort(at + 4);
        int flags = packet.getUnsignedByte(at + ipHeader + 13);
        int payload = length - headers;
        int segments = Math.max(1, (payload + segmentSize - 1) / segmentSize);
        for (int i = 0; i < segments; i++) {
            int offset = i * segmentSize;
            int size = Math.min(segmentSize, payload - offset);
            int capacity = headroom + headers + size + tailroom;
            ByteBuf out = alloc.directBuffer(capacity, capacity);
            out.setIndex(headroom, headroom);
            out.writeBytes(packet, at, headers);
            out.writeBytes(packet, at + headers + offset, size);
            int segmentFlags = flags;
            if (i < segments - 1) {
                segmentFlags &= ~(FIN | PSH);
            }
            if (i > 0) {
                segmentFlags &= ~CWR;
            }
            int ip = headroom;
            int tcp = headroom + ipHeader;
            out.setShort(ip + 2, headers + size);
            out.setShort(ip + 4, firstId + i);
            out.setShort(ip + 10, 0);
            out.setShort(ip + 10, ~InternetChecksum.fold(InternetChecksum.sum(out, ip, ipHeader, 0)));
            out.setInt(tcp + 4, firstSequence + offset);
            out.setByte(tcp + 13, segmentFlags);
            out.setShort(tcp + 16, 0);
            long pseudo = InternetChecksum.sum(out, ip + 12, 8, 6 + tcpHeader + size);
            long header = InternetChecksum.sum(out, tcp, tcpHeader, pseudo);
            // The payload starts a whole number of 32-bit words after the TCP header, so its words line up.
            out.setShort(tcp + 16, ~InternetChecksum.fold(InternetChecksum.sum(bytes, at + headers + offset, size, header)));
            sink.accept(out);
        }
        return segments;
    }

    /**
     * Fills in a checksum the kernel left partial ({@code VIRTIO_NET_HDR_F_NEEDS_CSUM}): the field at
     * {@code start + offset} holds the pseudo-header sum; the checksum covers everything from {@code start}.
     *
     * @param bytes as for {@link #split(ByteBuf, ByteBuffer, int, ByteBufAllocator, int, Consumer)}
     * @return false if the positions lie outside the packet (left untouched)
     */
    static boolean completeChecksum(ByteBuf packet, ByteBuffer bytes, int start, int offset) {
        int at = packet.readerIndex();
        int length = packet.readableBytes();
        if (start < 0 || offset < 0 || start + offset + 2 > length) {
            return false;
        }
        int checksum = ~InternetChecksum.fold(InternetChecksum.sum(bytes, at + start, length - start, 0)) & 0xFFFF;
        boolean udp = (packet.getUnsignedByte(at) >>> 4) == 4 && packet.getUnsignedByte(at + 9) == 17;
        // In UDP a checksum of 0 means "none"; a computed 0 is sent as its other form, 0xFFFF (RFC 768).
        packet.setShort(at + start + offset, checksum == 0 && udp ? 0xFFFF : checksum);
        return true;
    }
}
