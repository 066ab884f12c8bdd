package io.github.tunnelgw.core.dtls;

import io.netty.buffer.ByteBuf;

/**
 * Decides whether a datagram may reach Bouncy Castle's handshake code, which in bctls 1.84 allocates a reassembly
 * buffer of whatever length a handshake fragment claims (up to 16 MiB, for each of several message sequence numbers)
 * and ignores {@code getMaxHandshakeMessageSize()} in DTLS. {@link ClientHelloInspector} only sees the first
 * ClientHello; everything a peer sends during its handshake, and the retransmissions BC answers afterwards, pass here.
 *
 * <p>Admitted: whole records only, and each plaintext (epoch 0) handshake fragment unfragmented (openconnect never
 * fragments its small PSK handshake messages), at most {@link OpenconnectPskServer#MAX_HANDSHAKE_MESSAGE} long and
 * with a message sequence number a PSK handshake can reach. Encrypted records (epoch 1) are left to BC: it decrypts
 * before it reassembles, and without the session's key nothing decrypts.
 */
final class HandshakeRecordGuard {
    /** ClientHello, ClientHello with the cookie, ClientKeyExchange, Finished: sequence numbers 0 to 3. */
    static final int MAX_MESSAGE_SEQUENCE = 3;
    private static final int RECORD_HEADER = ClientHelloInspector.RECORD_HEADER;
    private static final int HANDSHAKE_HEADER = ClientHelloInspector.HANDSHAKE_HEADER;

    private HandshakeRecordGuard() {
    }

    static boolean admits(ByteBuf datagram) {
        int at = datagram.readerIndex();
        int end = datagram.writerIndex();
        while (at < end) {
            if (end - at < RECORD_HEADER) {
                return false;
            }
            int length = datagram.getUnsignedShort(at + 11);
            int body = at + RECORD_HEADER;
            if (body + length > end) {
                return false;
            }
            boolean plaintextHandshake = datagram.getUnsignedByte(at) == ClientHelloInspector.CONTENT_HANDSHAKE
                    && datagram.getUnsignedShort(at + 3) == 0;
            if (plaintextHandshake && !admitsFragment(datagram, body, length)) {
                return false;
            }
            at = body + length;
        }
        return true;
    }

    private static boolean admitsFragment(ByteBuf datagram, int body, int recordLength) {
        if (recordLength < HANDSHAKE_HEADER) {
            return false;
        }
        int messageLength = datagram.getUnsignedMedium(body + 1);
        int sequence = datagram.getUnsignedShort(body + 4);
        int fragmentOffset = datagram.getUnsignedMedium(body + 6);
        int fragmentLength = datagram.getUnsignedMedium(body + 9);
        return messageLength <= OpenconnectPskServer.MAX_HANDSHAKE_MESSAGE
                && sequence <= MAX_MESSAGE_SEQUENCE
                && fragmentOffset == 0
                && fragmentLength == messageLength
                && HANDSHAKE_HEADER + fragmentLength == recordLength;
    }
}
