package io.github.tunnelgw.core.dataplane;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Builds minimal IPv4 packets (header + payload) for data-plane tests. */
public final class Ipv4Packets {
    private Ipv4Packets() {
    }

    public static ByteBuf udp(int source, int destination, int payloadLength) {
        return udp(source, destination, payloadLength, 0);
    }

    /** @param headroom writable bytes left in front of the packet, as the tun queue reader leaves them */
    public static ByteBuf udp(int source, int destination, int payloadLength, int headroom) {
        return udp(source, destination, payloadLength, Unpooled.buffer(headroom + 20 + 8 + payloadLength), headroom);
    }

    /**
     * A packet as the tun queue reader hands it on: in a native buffer with {@link DataPlane#HEADROOM} free bytes in
     * front and {@link DataPlane#TAILROOM} behind.
     */
    public static ByteBuf udpFromTun(int source, int destination, int payloadLength) {
        int capacity = DataPlane.HEADROOM + 20 + 8 + payloadLength + DataPlane.TAILROOM;
        return udp(source, destination, payloadLength, Unpooled.directBuffer(capacity, capacity), DataPlane.HEADROOM);
    }

    private static ByteBuf udp(int source, int destination, int payloadLength, ByteBuf buf, int headroom) {
        int total = 20 + 8 + payloadLength;
        buf.writerIndex(headroom).readerIndex(headroom);
        buf.writeByte(0x45).writeByte(0).writeShort(total).writeShort(0).writeShort(0)
                .writeByte(64).writeByte(17).writeShort(0).writeInt(source).writeInt(destination);
        buf.writeShort(5000).writeShort(5001).writeShort(8 + payloadLength).writeShort(0);
        for (int i = 0; i < payloadLength; i++) {
            buf.writeByte(i);
        }
        return buf;
    }
}
