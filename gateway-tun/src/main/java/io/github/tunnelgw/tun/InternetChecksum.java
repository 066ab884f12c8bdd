package io.github.tunnelgw.tun;

import io.netty.buffer.ByteBuf;

/** The ones'-complement sum of RFC 1071, over 16-bit big-endian words. */
final class InternetChecksum {
    private InternetChecksum() {
    }

    /** Adds the bytes to {@code initial} without folding; an odd last byte counts as its word's high half. */
    static long sum(ByteBuf buf, int offset, int length, long initial) {
        long sum = initial;
        int i = 0;
        // Eight bytes at a time: the two 32-bit halves are added separately so the long cannot overflow within
        // 64 KB; ones'-complement addition does not care how the words are grouped.
        for (; i + 8 <= length; i += 8) {
            long v = buf.getLong(offset + i);
            sum += (v >>> 32) + (v & 0xFFFF_FFFFL);
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
