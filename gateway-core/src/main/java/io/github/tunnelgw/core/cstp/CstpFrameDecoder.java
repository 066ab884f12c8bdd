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
 *
 * <p>So does a length mismatch. ocserv and openconnect see TLS record boundaries and end the session when a record is
 * not exactly one frame; Netty's TLS handler hands us a byte stream, so the checks here are the ones a stream
 * allows: a frame longer than one TLS record can carry, and a DATA frame whose IP packet declares a different length
 * than the frame (a client that gets its framing wrong, or one probing how trailing bytes are handled).
 */
public final class CstpFrameDecoder extends ByteToMessageDecoder {
    /** One frame per TLS record, so header and payload fit in the 16 KiB record limit. */
    static final int MAX_PAYLOAD = 16_384 - CstpFrame.HEADER_LENGTH;
    private static final int IPV4_MIN_HEADER = 20;
    private static final int IPV6_HEADER = 40;

    /** Set by the first malformed frame; the bytes after it are not frames, so they are discarded unread. */
    private boolean broken;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (broken) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            decodeFrames(in, out);
        } catch (MalformedFrameException e) {
            // The malformed bytes stay in the cumulation; without this the close that follows decodes them again
            // (decodeLast) and the session handler logs and counts the same frame a second time.
            broken = true;
            throw e;
        }
    }

    private static void decodeFrames(ByteBuf in, List<Object> out) {
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
            if (length > MAX_PAYLOAD) {
                throw new MalformedFrameException("CSTP frame length " + length + " is more than a TLS record holds");
            }
            if (in.readableBytes() < CstpFrame.HEADER_LENGTH + length) {
                return;
            }
            if (type == CstpFrame.DATA) {
                checkIpLength(in, start + CstpFrame.HEADER_LENGTH, length);
            }
            out.add(in.readRetainedSlice(CstpFrame.HEADER_LENGTH + length));
        }
    }

    /**
     * The IP packet of a DATA frame must fill the frame exactly. A payload too short for an IP header, or of another
     * IP version, is left to the uplink, which drops and counts it: the framing itself is intact then.
     */
    private static void checkIpLength(ByteBuf in, int payload, int length) {
        if (length == 0) {
            return;
        }
        int version = (in.getUnsignedByte(payload) >> 4);
        int declared;
        if (version == 4 && length >= IPV4_MIN_HEADER) {
            declared = in.getUnsignedShort(payload + 2);
        } else if (version == 6 && length >= IPV6_HEADER) {
            declared = IPV6_HEADER + in.getUnsignedShort(payload + 4);
        } else {
            return;
        }
        if (declared != length) {
            throw new MalformedFrameException("CSTP DATA frame of " + length + " bytes carries an IPv" + version
                    + " packet of " + declared + " bytes");
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
