package io.github.tunnelgw.core.cstp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/**
 * Cuts the decrypted TLS byte stream into CSTP frames and checks their header.
 *
 * <p>Emits retained slices of whole frames (header included) so the next handler decides by type without a copy.
 * A bad magic, a non-zero reserved byte or an unknown type raises {@link MalformedFrameException}: the stream
 * cannot be resynchronised after that, so the session's connection ends.
 */
public final class CstpFrameDecoder extends ByteToMessageDecoder {

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.readableBytes() >= CstpFrame.HEADER_LENGTH) {
            int start = in.readerIndex();
            int magic = in.getInt(start);
            if (magic != CstpFrame.MAGIC) {
                throw new MalformedFrameException(String.format("bad CSTP magic 0x%08x", magic));
            }
            int length = in.getUnsignedShort(start + 4);
            byte type = in.getByte(start + 6);
            byte reserved = in.getByte(start + 7);
            if (reserved != 0) {
                throw new MalformedFrameException("non-zero reserved byte in CSTP header: " + (reserved & 0xFF));
            }
            if (!isAcceptedFromClient(type)) {
                throw new MalformedFrameException("CSTP frame type " + (type & 0xFF) + " is not accepted from a client");
            }
            if (in.readableBytes() < CstpFrame.HEADER_LENGTH + length) {
                return;
            }
            out.add(in.readRetainedSlice(CstpFrame.HEADER_LENGTH + length));
        }
    }

    /** COMPRESSED is refused because no compression is ever negotiated; TERMINATE only flows server to client. */
    private static boolean isAcceptedFromClient(byte type) {
        return switch (type) {
            case CstpFrame.DATA, CstpFrame.DPD_REQUEST, CstpFrame.DPD_RESPONSE, CstpFrame.DISCONNECT,
                 CstpFrame.KEEPALIVE -> true;
            default -> false;
        };
    }
}
