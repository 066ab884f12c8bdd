package io.github.tunnelgw.tun;

import io.netty.buffer.ByteBuf;

import java.nio.ByteBuffer;

/** The ones'-complement sum of RFC 1071, over 16-bit big-endian words. */
final class InternetChecksum {
    private static final long LOW_HALF = 0xFFFF_FFFFL;

    private InternetChecksum() {
    }

    /**
     * Adds the bytes to {@code initial} without folding; an odd last byte counts as its word's high half. For headers:
     * a {@code ByteBuf} access goes through Netty's accessibility and bounds checks each time (on JDK 25 Netty runs
     * without {@code Unsafe}), so payloads are summed with {@link #sum(ByteBuffer, int, int, long)}.
     */
    static long sum(ByteBuf buf, int offset, int length, long initial) {
        long sum = initial;
        int i = offset;
        int end = offset + length;
        for (; i + 4 <= end; i += 4) {
            sum += buf.getUnsignedInt(i);
        }
        for (; i + 2 <= end; i += 2) {
            sum += buf.getUnsignedShort(i);
        }
        if (i < end) {
            sum += buf.getUnsignedByte(i) << 8;
        }
        return sum;
    }

    /**
     * The same sum over a big-endian NIO buffer's bytes from {@code offset} (absolute), for payloads: a direct
     * {@code ByteBuffer}'s {@code getLong} compiles to a plain load (a profile of a DTLS download had 15 % of the
     * gateway's CPU in this loop when it read a {@code ByteBuf}).
     *
     * <p>Sixteen bytes a step in two interleaved sums, so that one addition need not wait for the other; each 64-bit
     * word is added as its two 32-bit halves, so neither sum can overflow within 64 KB. Ones'-complement addition does
     * not care how the words are grouped.
     */
    static long sum(ByteBuffer buf, int offset, int length, long initial) {
        long a = initial;
        long b = 0;
        int i = offset;
        int end = offset + length;
        for (; i + 16 <= end; i += 16) {
            long v = buf.getLong(i);
            long w = buf.getLong(i + 8);
            a += (v >>> 32) + (v & LOW_HALF);
            b += (w >>> 32) + (w & LOW_HALF);
        }
        for (; i + 8 <= end; i += 8) {
            long v = buf.getLong(i);
            a += (v >>> 32) + (v & LOW_HALF);
        }
        for (; i + 4 <= end; i += 4) {
            b += buf.getInt(i) & LOW_HALF;
        }
        for (; i + 2 <= end; i += 2) {
            a += buf.getShort(i) & 0xFFFF;
        }
        if (i < end) {
            b += (buf.get(i) & 0xFF) << 8;
        }
        return a + b;
    }

    /** Folds a sum to 16 bits (not complemented). */
    static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }
}
