package io.github.tunnelgw.tun;

import io.netty.buffer.ByteBuf;

/** Zero-allocation views of the IPv4 header at a ByteBuf's reader index. */
public final class Ipv4Header {
    public static final int MIN_LENGTH = 20;

    private Ipv4Header() {
    }

    public static int version(ByteBuf packet) {
        return (packet.getByte(packet.readerIndex()) & 0xF0) >>> 4;
    }

    public static int source(ByteBuf packet) {
        return packet.getInt(packet.readerIndex() + 12);
    }

    public static int destination(ByteBuf packet) {
        return packet.getInt(packet.readerIndex() + 16);
    }

    public static int totalLength(ByteBuf packet) {
        return packet.getUnsignedShort(packet.readerIndex() + 2);
    }

    /** Version 4, header length at least 20 and within the packet, total length within the readable bytes. */
    public static boolean isWellFormedIpv4(ByteBuf packet) {
        int readable = packet.readableBytes();
        if (readable < MIN_LENGTH) {
            return false;
        }
        int first = packet.getByte(packet.readerIndex()) & 0xFF;
        int headerLength = (first & 0x0F) * 4;
        int total = totalLength(packet);
        return first >>> 4 == 4 && headerLength >= MIN_LENGTH && headerLength <= total && total <= readable;
    }
}
