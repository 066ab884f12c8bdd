package io.github.tunnelgw.tun;

import io.netty.buffer.ByteBuf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The ones'-complement sum of RFC 1071, over 16-bit big-endian words. */
final class InternetChecksum {
    private static final long LOW_HALF = 0xFFFF_FFFFL;

    private InternetChecksum() {
    }

    /**
     * Adds the bytes to {@code initial} without folding; an odd last byte counts as its word's high half.
     *
     * <p>A buffer with one NIO view is summed through that view: Netty's own accessors check the reference count
     * and bounds on every call, which made the checksum most of the time spent cutting a TSO super-packet.
     */
    static long sum(ByteBuf buf, int offset, int length, long initial) {
        if (length <= 0) {
            return initial;
        }
        if (buf.nioBufferCount() == 1) {
            ByteBuffer view = buf.internalNioBuffer(offset, length);
            if (view.order() == ByteOrder.BIG_ENDIAN) {
                return sum(view, view.position(), length, initial);
            }
        }
        return sumByAccessors(buf, offset, length, initial);
    }

    /**
     * Eight bytes at a time, in two interleaved sums so that one addition need not wait for the other; each 64-bit
     * word is added as its two 32-bit halves, so neither sum can overflow within 64 KB. Ones'-complement addition
     * does not care how the words are grouped.
     */
    private static long sum(ByteBuffer view, int from, int length, long initial) {
        long a = initial;
        long b = 0;
        int i = from;
        int end = from + length;
        for (; i + 16 <= end; i += 16) {
            long v = view.getLong(i);
            long w = view.getLong(i + 8);
            a += (v >>> 32) + (v & LOW_HALF);
            b += (w >>> 32) + (w & LOW_HALF);
        }
        for (; i + 8 <= end; i += 8) {
            long v = view.getLong(i);
            a += (v >>> 32) + (v & LOW_HALF);
        }
        for (; i + 4 <= end; i += 4) {
            b += view.getInt(i) & LOW_HALF;
        }
        for (; i + 2 <= end; i += 2) {
            a += view.getShort(i) & 0xFFFF;
        }
        if (i < end) {
            b += (view.get(i) & 0xFF) << 8;
        }
        return a + b;
    }

    private static long sumByAccessors(ByteBuf buf, int offset, int length, long initial) {
        long sum = initial;
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            long v = buf.getLong(offset + i);
            sum += (v >>> 32) + (v & LOW_HALF);
        }
        for (; i + 4 <= length; i += 4) {
            sum += buf.getUnsignedInt(offset + i);
        }
        for (; i + 2 <= length; i += 2) {
            sum += buf.getUnsignedShort(offset + i);
        }
        if (i < length) {
            sum += buf.getUnsignedByte(offset + i) << 8;
        }
        return sum;
    }

    /** Folds a sum to 16 bits (not complemented). */
    static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }
}
