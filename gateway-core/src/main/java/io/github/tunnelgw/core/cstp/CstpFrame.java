package io.github.tunnelgw.core.cstp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The CSTP frame layout: {@code 'S' 'T' 'F' 0x01 | length (u16 BE, payload only) | type | 0x00 | payload}.
 *
 * <p>Frames travel as whole ByteBufs (header included) so that a downlink packet read from tun into a buffer
 * with {@link #HEADER_LENGTH} bytes of headroom becomes a frame without a copy.
 */
public final class CstpFrame {
    public static final int HEADER_LENGTH = 8;
    public static final int MAX_PAYLOAD = 0xFFFF;
    /** The magic as one big-endian int: 'S' 'T' 'F' 0x01. */
    public static final int MAGIC = 0x53544601;

    public static final byte DATA = 0x00;
    public static final byte DPD_REQUEST = 0x03;
    public static final byte DPD_RESPONSE = 0x04;
    public static final byte DISCONNECT = 0x05;
    public static final byte KEEPALIVE = 0x07;
    public static final byte COMPRESSED = 0x08;
    public static final byte TERMINATE = 0x09;

    /** Reason code a client puts in front of its DISCONNECT text when the user logs out. */
    public static final byte DISCONNECT_REASON_LOGOUT = (byte) 0xB0;

    private CstpFrame() {
    }

    public static byte type(ByteBuf frame) {
        return frame.getByte(frame.readerIndex() + 6);
    }

    public static int payloadLength(ByteBuf frame) {
        return frame.getUnsignedShort(frame.readerIndex() + 4);
    }

    /**
     * Turns {@code packet}, which must have {@link #HEADER_LENGTH} writable bytes in front of its reader index,
     * into a DATA frame in place.
     */
    public static ByteBuf prependDataHeader(ByteBuf packet) {
        int length = packet.readableBytes();
        int start = packet.readerIndex() - HEADER_LENGTH;
        packet.setInt(start, MAGIC);
        packet.setShort(start + 4, length);
        packet.setByte(start + 6, DATA);
        packet.setByte(start + 7, 0);
        packet.readerIndex(start);
        return packet;
    }

    /** A control frame (DPD, keepalive, disconnect) with the given payload bytes. */
    public static ByteBuf control(ByteBufAllocator alloc, byte type, byte[] payload) {
        ByteBuf frame = alloc.buffer(HEADER_LENGTH + payload.length);
        frame.writeInt(MAGIC).writeShort(payload.length).writeByte(type).writeByte(0).writeBytes(payload);
        return frame;
    }

    /** The DPD response to {@code request}: ocserv-compatible echo of the whole frame with the type changed. */
    public static ByteBuf dpdResponse(ByteBuf request) {
        request.setByte(request.readerIndex() + 6, DPD_RESPONSE);
        return request;
    }
}
