package io.github.tunnelgw.core.dtls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HandshakeRecordGuardTest {
    private static final int CLIENT_KEY_EXCHANGE = 16;

    /** One DTLS 1.2 record; for a plaintext handshake record the body starts with the 12-byte fragment header. */
    private static ByteBuf record(ByteBuf out, int type, int epoch, byte[] body) {
        return out.writeByte(type).writeShort(0xFEFD).writeShort(epoch).writeShort(0).writeInt(7)
                .writeShort(body.length).writeBytes(body);
    }

    private static byte[] fragment(int messageLength, int sequence, int offset, int fragmentLength) {
        ByteBuf body = Unpooled.buffer().writeByte(CLIENT_KEY_EXCHANGE).writeMedium(messageLength).writeShort(sequence)
                .writeMedium(offset).writeMedium(fragmentLength).writeZero(fragmentLength);
        byte[] bytes = new byte[body.readableBytes()];
        body.readBytes(bytes);
        return bytes;
    }

    @Test
    void openconnectsFinalFlightIsAdmitted() {
        ByteBuf flight = Unpooled.buffer();
        record(flight, 22, 0, fragment(21, 2, 0, 21));   // ClientKeyExchange with a PSK identity
        record(flight, 20, 0, new byte[]{1});            // ChangeCipherSpec
        record(flight, 22, 1, new byte[40]);             // Finished, encrypted
        assertThat(HandshakeRecordGuard.admits(flight)).isTrue();
    }

    @Test
    void aFragmentClaimingAHugeMessageIsRefused() {
        // bctls 1.84 would allocate the claimed 16 MiB for this 30-byte record
        ByteBuf claim = record(Unpooled.buffer(), 22, 0, fragment(0xFFFFFF, 2, 0, 0));
        assertThat(HandshakeRecordGuard.admits(claim)).isFalse();
        ByteBuf justOver = record(Unpooled.buffer(), 22, 0,
                fragment(OpenconnectPskServer.MAX_HANDSHAKE_MESSAGE + 1, 2, 0, OpenconnectPskServer.MAX_HANDSHAKE_MESSAGE + 1));
        assertThat(HandshakeRecordGuard.admits(justOver)).isFalse();
        ByteBuf limit = record(Unpooled.buffer(), 22, 0,
                fragment(OpenconnectPskServer.MAX_HANDSHAKE_MESSAGE, 2, 0, OpenconnectPskServer.MAX_HANDSHAKE_MESSAGE));
        assertThat(HandshakeRecordGuard.admits(limit)).isTrue();
    }

    @Test
    void fragmentedMessagesAreRefused() {
        assertThat(HandshakeRecordGuard.admits(record(Unpooled.buffer(), 22, 0, fragment(100, 2, 0, 50)))).isFalse();
        assertThat(HandshakeRecordGuard.admits(record(Unpooled.buffer(), 22, 0, fragment(100, 2, 50, 50)))).isFalse();
    }

    @Test
    void messageSequenceNumbersBeyondAPskHandshakeAreRefused() {
        int last = HandshakeRecordGuard.MAX_MESSAGE_SEQUENCE;
        assertThat(HandshakeRecordGuard.admits(record(Unpooled.buffer(), 22, 0, fragment(10, last, 0, 10)))).isTrue();
        assertThat(HandshakeRecordGuard.admits(record(Unpooled.buffer(), 22, 0, fragment(10, last + 1, 0, 10)))).isFalse();
    }

    @Test
    void aHugeClaimHiddenBehindAnotherRecordIsRefused() {
        ByteBuf datagram = Unpooled.buffer();
        record(datagram, 23, 1, new byte[30]);
        record(datagram, 22, 0, fragment(1 << 20, 1, 0, 0));
        assertThat(HandshakeRecordGuard.admits(datagram)).isFalse();
    }

    @Test
    void truncatedRecordsAndHandshakeHeadersAreRefused() {
        ByteBuf cut = record(Unpooled.buffer(), 22, 0, fragment(21, 2, 0, 21));
        cut.writerIndex(cut.writerIndex() - 1);
        assertThat(HandshakeRecordGuard.admits(cut)).isFalse();
        assertThat(HandshakeRecordGuard.admits(Unpooled.wrappedBuffer(new byte[]{22, (byte) 0xFE, (byte) 0xFD}))).isFalse();
        assertThat(HandshakeRecordGuard.admits(record(Unpooled.buffer(), 22, 0, new byte[11]))).isFalse();
    }
}
