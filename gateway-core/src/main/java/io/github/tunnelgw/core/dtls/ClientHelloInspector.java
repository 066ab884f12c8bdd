package io.github.tunnelgw.core.dtls;

import io.netty.buffer.ByteBuf;

/**
 * Reads what the gateway needs from a DTLS ClientHello datagram before it spends anything on it: the App-ID (from
 * extension 48018 when present, else the legacy session_id) and the client random. Only a single, unfragmented
 * ClientHello record of a bounded size is accepted; everything else is rejected with a reason, without exceptions,
 * because this runs on attacker-controlled input on the event loop.
 *
 * <p>Layout: record header (type 22, version, epoch 0, sequence, length) | handshake header (type 1, length,
 * message_seq, fragment_offset, fragment_length) | client_version, random[32], session_id, cookie, cipher_suites,
 * compression_methods, [extensions].
 */
public final class ClientHelloInspector {
    static final int RECORD_HEADER = 13;
    static final int HANDSHAKE_HEADER = 12;
    static final int CONTENT_HANDSHAKE = 22;
    static final int HANDSHAKE_CLIENT_HELLO = 1;
    /** Extension openconnect's older OpenSSL builds use to carry the App-ID ("ApplicationID"). */
    static final int EXTENSION_APPLICATION_ID = 48018;
    /**
     * Largest ClientHello message accepted. openconnect's is about 200 bytes; bctls 1.84 sizes its reassembly buffer
     * from the claimed length, so anything big is refused before BC sees it.
     */
    public static final int MAX_CLIENT_HELLO = 1024;

    public enum Rejection {
        NONE, NOT_CLIENT_HELLO, TRUNCATED, FRAGMENTED, OVERSIZED, MALFORMED, NO_APP_ID, ZERO_RANDOM
    }

    /** What was found: {@code rejection == NONE} means {@code appId} and the random are set. */
    public record Result(Rejection rejection, AppId appId, long randomHigh, long randomLow, long randomMid1,
                         long randomMid2) {
        static final Result NOT_HELLO = rejected(Rejection.NOT_CLIENT_HELLO);
        static final Result TRUNCATED = rejected(Rejection.TRUNCATED);
        static final Result FRAGMENTED = rejected(Rejection.FRAGMENTED);
        static final Result OVERSIZED = rejected(Rejection.OVERSIZED);
        static final Result MALFORMED = rejected(Rejection.MALFORMED);
        static final Result NO_APP_ID = rejected(Rejection.NO_APP_ID);
        static final Result ZERO_RANDOM = rejected(Rejection.ZERO_RANDOM);

        private static Result rejected(Rejection why) {
            return new Result(why, null, 0, 0, 0, 0);
        }

        public boolean accepted() {
            return rejection == Rejection.NONE;
        }

        /** Whether both hellos carry the same client random: a retransmission after the cookie, or a replay. */
        public boolean sameRandom(Result other) {
            return randomHigh == other.randomHigh && randomMid1 == other.randomMid1 && randomMid2 == other.randomMid2
                    && randomLow == other.randomLow;
        }
    }

    private ClientHelloInspector() {
    }

    /** Whether the datagram starts like a ClientHello (handshake record, epoch 0, handshake type 1). */
    public static boolean looksLikeClientHello(ByteBuf datagram) {
        int start = datagram.readerIndex();
        return datagram.readableBytes() > RECORD_HEADER
                && datagram.getUnsignedByte(start) == CONTENT_HANDSHAKE
                && datagram.getUnsignedShort(start + 3) == 0
                && datagram.getUnsignedByte(start + RECORD_HEADER) == HANDSHAKE_CLIENT_HELLO;
    }

    public static Result inspect(ByteBuf datagram) {
        int start = datagram.readerIndex();
        int end = datagram.writerIndex();
        if (!looksLikeClientHello(datagram)) {
            return Result.NOT_HELLO;
        }
        if (end - start < RECORD_HEADER + HANDSHAKE_HEADER) {
            return Result.TRUNCATED;
        }
        int major = datagram.getUnsignedByte(start + 1);
        if (major != 0xFE) {
            return Result.MALFORMED;
        }
        int recordLength = datagram.getUnsignedShort(start + 11);
        if (recordLength > RECORD_HEADER + HANDSHAKE_HEADER + MAX_CLIENT_HELLO) {
            return Result.OVERSIZED;
        }
        if (start + RECORD_HEADER + recordLength > end) {
            return Result.TRUNCATED;
        }
        if (start + RECORD_HEADER + recordLength != end) {
            return Result.MALFORMED; // trailing records: openconnect sends the hello alone
        }
        int h = start + RECORD_HEADER;
        int messageLength = datagram.getUnsignedMedium(h + 1);
        int fragmentOffset = datagram.getUnsignedMedium(h + 6);
        int fragmentLength = datagram.getUnsignedMedium(h + 9);
        if (messageLength > MAX_CLIENT_HELLO) {
            return Result.OVERSIZED;
        }
        if (fragmentOffset != 0 || fragmentLength != messageLength) {
            return Result.FRAGMENTED;
        }
        if (HANDSHAKE_HEADER + fragmentLength != recordLength) {
            return Result.MALFORMED;
        }
        int body = h + HANDSHAKE_HEADER;
        int bodyEnd = body + messageLength;
        int p = body + 2; // client_version
        if (p + 32 + 1 > bodyEnd) {
            return Result.TRUNCATED;
        }
        long r0 = datagram.getLong(p);
        long r1 = datagram.getLong(p + 8);
        long r2 = datagram.getLong(p + 16);
        long r3 = datagram.getLong(p + 24);
        p += 32;
        int sessionIdLength = datagram.getUnsignedByte(p++);
        if (sessionIdLength > 32 || p + sessionIdLength > bodyEnd) {
            return sessionIdLength > 32 ? Result.MALFORMED : Result.TRUNCATED;
        }
        int sessionIdAt = p;
        p += sessionIdLength;
        p = skipVector(datagram, p, bodyEnd, 1); // cookie
        p = skipVector(datagram, p, bodyEnd, 2); // cipher_suites
        p = skipVector(datagram, p, bodyEnd, 1); // compression_methods
        if (p < 0) {
            return Result.TRUNCATED;
        }
        int appIdAt = sessionIdLength == AppId.LENGTH ? sessionIdAt : -1;
        if (p < bodyEnd) {
            int found = findApplicationId(datagram, p, bodyEnd);
            if (found == -2) {
                return Result.MALFORMED;
            }
            if (found >= 0) {
                appIdAt = found;
            }
        }
        if (appIdAt < 0) {
            return Result.NO_APP_ID;
        }
        // GnuTLS 3.6.3-3.6.12 sent all-zero randoms; ocserv drops those hellos too.
        if ((r0 | r1 | r2 | r3) == 0) {
            return Result.ZERO_RANDOM;
        }
        return new Result(Rejection.NONE, AppId.read(datagram, appIdAt), r0, r3, r1, r2);
    }

    /** @return the index after a vector with a {@code lengthBytes}-byte length, or -1 if it overruns */
    private static int skipVector(ByteBuf buf, int p, int end, int lengthBytes) {
        if (p < 0 || p + lengthBytes > end) {
            return -1;
        }
        int length = lengthBytes == 1 ? buf.getUnsignedByte(p) : buf.getUnsignedShort(p);
        int next = p + lengthBytes + length;
        return next > end ? -1 : next;
    }

    /**
     * Walks the extensions block at {@code p}.
     *
     * @return the index of a 32-byte App-ID inside extension 48018, -1 if there is none, -2 if the block is malformed
     */
    private static int findApplicationId(ByteBuf buf, int p, int end) {
        if (p + 2 > end) {
            return -2;
        }
        int blockEnd = p + 2 + buf.getUnsignedShort(p);
        if (blockEnd != end) {
            return -2;
        }
        p += 2;
        while (p < blockEnd) {
            if (p + 4 > blockEnd) {
                return -2;
            }
            int type = buf.getUnsignedShort(p);
            int length = buf.getUnsignedShort(p + 2);
            int data = p + 4;
            if (data + length > blockEnd) {
                return -2;
            }
            if (type == EXTENSION_APPLICATION_ID) {
                // opaque<1..255> with a one-byte length; only our 32-byte ids can name a session
                if (length < 1 || buf.getUnsignedByte(data) != length - 1) {
                    return -2;
                }
                return length - 1 == AppId.LENGTH ? data + 1 : -1;
            }
            p = data + length;
        }
        return -1;
    }
}
