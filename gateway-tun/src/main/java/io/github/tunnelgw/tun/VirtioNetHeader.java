package io.github.tunnelgw.tun;

import io.netty.buffer.ByteBuf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The 10-byte {@code struct virtio_net_hdr} that a tun opened with {@code IFF_VNET_HDR} puts in front of every
 * packet, in both directions. It is what lets one write carry a TCP super-packet (generic segmentation offload):
 * the kernel routes and NATs it once and cuts it into segments only where a device needs that.
 *
 * <p>Fields are in the host's byte order (the tun is not switched to a fixed endianness); the readers below assume
 * a little-endian host (x86-64, arm64), as {@link TunDevice} checks.
 */
final class VirtioNetHeader {
    static final int LENGTH = 10;
    static final int F_NEEDS_CSUM = 1;
    static final int GSO_NONE = 0;
    static final int GSO_TCPV4 = 1;
    static final int GSO_UDP_L4 = 5;
    /** Offset of the checksum field in a UDP header. */
    static final int UDP_CHECKSUM_OFFSET = 6;
    /** Flag on gso_type: the segments carry ECN's congestion-window-reduced handling (CWR on the first only). */
    static final int GSO_ECN = 0x80;
    /** Offset of the checksum field in a TCP header. */
    static final int TCP_CHECKSUM_OFFSET = 16;

    private VirtioNetHeader() {
    }

    /**
     * Fills {@code header} for an IPv4 UDP super-packet: datagrams of {@code segmentSize} payload bytes (the last may
     * be shorter) behind one IP and UDP header; the kernel cuts them apart and completes each checksum.
     */
    static void udpSegments(ByteBuffer header, int ipHeaderLength, int segmentSize) {
        header.put(0, (byte) F_NEEDS_CSUM)
                .put(1, (byte) GSO_UDP_L4)
                .putShort(2, (short) (ipHeaderLength + 8))
                .putShort(4, (short) segmentSize)
                .putShort(6, (short) ipHeaderLength)
                .putShort(8, (short) UDP_CHECKSUM_OFFSET);
    }

    /** The header's fields as a read left them in {@code buf} at {@code at}. */
    static int flags(ByteBuf buf, int at) {
        return buf.getUnsignedByte(at);
    }

    static int gsoType(ByteBuf buf, int at) {
        return buf.getUnsignedByte(at + 1) & ~GSO_ECN;
    }

    static int gsoSize(ByteBuf buf, int at) {
        return buf.getUnsignedShortLE(at + 4);
    }

    static int checksumStart(ByteBuf buf, int at) {
        return buf.getUnsignedShortLE(at + 6);
    }

    static int checksumOffset(ByteBuf buf, int at) {
        return buf.getUnsignedShortLE(at + 8);
    }

    /** A direct buffer holding a header that asks for nothing: a complete packet with a valid checksum. */
    static ByteBuffer plain() {
        return ByteBuffer.allocateDirect(LENGTH).order(ByteOrder.nativeOrder());
    }

    /**
     * Fills {@code header} (from {@link #plain()}) for an IPv4 TCP super-packet: the kernel completes the TCP checksum
     * from {@code ipHeaderLength} on (the checksum field holds the pseudo-header sum) and segments the payload into
     * pieces of {@code segmentSize} bytes, each with a copy of the first {@code headersLength} bytes.
     */
    static void tcp4Segments(ByteBuffer header, int ipHeaderLength, int headersLength, int segmentSize) {
        header.put(0, (byte) F_NEEDS_CSUM)
                .put(1, (byte) GSO_TCPV4)
                .putShort(2, (short) headersLength)
                .putShort(4, (short) segmentSize)
                .putShort(6, (short) ipHeaderLength)
                .putShort(8, (short) TCP_CHECKSUM_OFFSET);
    }
}
