package io.github.tunnelgw.core.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.bouncycastle.tls.CipherSuite;
import org.junit.jupiter.api.Test;

/**
 * The record format, the replay window and tampering, between a server layer and its mirror image, for each pair of
 * engines (see the subclasses). Interoperation with real peers is in DtlsChannelTest (Bouncy Castle's client) and
 * OpenconnectDtlsIT (openconnect's GnuTLS).
 */
abstract class GcmRecordLayerTest {
    static final int KEY = GcmRecordLayer.keyLength(CipherSuite.TLS_PSK_WITH_AES_256_GCM_SHA384);

    final byte[] keyBlock = keyBlock();
    final GcmRecordLayer server;
    final GcmRecordLayer client;

    GcmRecordLayerTest(AeadEngine serverEngine, AeadEngine clientEngine) throws Exception {
        server = GcmRecordLayer.forServer(serverEngine, KEY, keyBlock);
        client = GcmRecordLayer.forClient(clientEngine, KEY, keyBlock);
    }

    static AeadEngine gnutls() throws GnutlsLibrary.UnavailableException {
        return GnutlsAead.engine(GnutlsLibrary.load(GnutlsLibrary.SONAME));
    }

    static byte[] keyBlock() {
        byte[] block = new byte[GcmRecordLayer.keyBlockLength(KEY)];
        for (int i = 0; i < block.length; i++) {
            block[i] = (byte) (i * 7 + 1);
        }
        return block;
    }

    static byte[] plain(int length, int seed) {
        byte[] p = new byte[length];
        for (int i = 0; i < length; i++) {
            p[i] = (byte) (seed + i);
        }
        return p;
    }

    /** Buffers as the data path has them: native (the tun reader's, the UDP receiver's); a test may switch. */
    boolean direct = true;

    ByteBuf buffer(int capacity) {
        return direct ? Unpooled.directBuffer(capacity, capacity) : Unpooled.buffer(capacity, capacity);
    }

    /** Seals {@code plain} where it lies in a buffer with just the room a record needs, and returns the record. */
    byte[] seal(GcmRecordLayer layer, int type, byte[] plain) throws Exception {
        ByteBuf buffer = buffer(plain.length + GcmRecordLayer.OVERHEAD);
        try {
            buffer.setIndex(GcmRecordLayer.FRONT, GcmRecordLayer.FRONT).writeBytes(plain);
            int n = layer.seal(type, buffer);
            assertThat(n).isEqualTo(plain.length + GcmRecordLayer.OVERHEAD);
            assertThat(buffer.readerIndex()).as("the record starts in the room in front").isZero();
            assertThat(buffer.writerIndex()).as("and its tag fills the room behind").isEqualTo(buffer.capacity());
            return ByteBufUtil.getBytes(buffer);
        } finally {
            buffer.release();
        }
    }

    /** Opens a copy of {@code record} where it lies; the plaintext, if any, is copied into {@code into}. */
    int open(GcmRecordLayer layer, byte[] record, byte[] into) {
        ByteBuf buffer = buffer(record.length + 5);
        try {
            buffer.writeZero(5).writeBytes(record).readerIndex(5); // not at index 0: offsets must be honoured
            int n = layer.open(buffer, 5, GcmRecordLayer.recordLength(buffer, 5, buffer.writerIndex()));
            assertThat(buffer.readerIndex()).as("indices are left alone").isEqualTo(5);
            if (n > 0) {
                buffer.getBytes(5 + GcmRecordLayer.FRONT, into, 0, n);
            }
            return n;
        } finally {
            buffer.release();
        }
    }

    static ByteBuf wrap(byte[] bytes) {
        return Unpooled.wrappedBuffer(bytes);
    }

    @Test
    void suitesAndKeyBlockSizes() {
        assertThat(KEY).isEqualTo(32);
        assertThat(GcmRecordLayer.keyLength(CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256)).isEqualTo(16);
        assertThat(GcmRecordLayer.keyLength(CipherSuite.TLS_PSK_WITH_AES_128_CBC_SHA256)).isEqualTo(-1);
        assertThat(GcmRecordLayer.keyBlockLength(32)).isEqualTo(72);
        assertThatThrownBy(() -> GcmRecordLayer.forServer(JdkAead.ENGINE, 16, keyBlock)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void recordsHaveTheDtlsLayoutAndOpenOnTheOtherSide() throws Exception {
        byte[] message = plain(1400, 3);
        byte[] record = seal(server, GcmRecordLayer.APPLICATION_DATA, message);

        ByteBuffer header = ByteBuffer.wrap(record);
        assertThat(header.get(0)).isEqualTo((byte) 23);
        assertThat(header.getShort(1)).as("DTLS 1.2").isEqualTo((short) 0xFEFD);
        assertThat(header.getShort(3)).as("epoch").isEqualTo((short) 1);
        long sequence = header.getLong(3) & 0xFFFF_FFFF_FFFFL;
        assertThat(sequence).isEqualTo(GcmRecordLayer.FIRST_SEQUENCE);
        assertThat(header.getShort(11) & 0xFFFF).isEqualTo(8 + 1400 + 16);
        assertThat(header.getLong(13)).as("explicit nonce = epoch and sequence").isEqualTo(header.getLong(3));
        assertThat(GcmRecordLayer.isOurs(wrap(record), 0, record.length)).isTrue();

        byte[] into = new byte[2048];
        assertThat(open(client, record, into)).isEqualTo(1400);
        assertThat(Arrays.copyOf(into, 1400)).isEqualTo(message);
        assertThat(open(server, record, into)).as("the server cannot open its own direction").isEqualTo(-1);

        byte[] next = seal(server, GcmRecordLayer.APPLICATION_DATA, message);
        assertThat(ByteBuffer.wrap(next).getLong(3) & 0xFFFF_FFFF_FFFFL).isEqualTo(sequence + 1);
    }

    @Test
    void tamperedRecordsFailAndLeaveTheWindowAlone() throws Exception {
        byte[] record = seal(client, GcmRecordLayer.APPLICATION_DATA, plain(100, 1));
        byte[] into = new byte[2048];
        for (int at : new int[] {0, 2, 4, 10, 13, 20, 21, 60, record.length - 1}) {
            byte[] bad = record.clone();
            bad[at] ^= 0x01;
            assertThat(open(server, bad, into)).as("byte %d flipped", at).isEqualTo(-1);
        }
        assertThat(open(server, record, into)).as("the genuine record still opens").isEqualTo(100);
    }

    @Test
    void replaysAndRecordsOlderThanTheWindowAreRefused() throws Exception {
        byte[][] records = new byte[70][];
        for (int i = 0; i < records.length; i++) {
            records[i] = seal(client, GcmRecordLayer.APPLICATION_DATA, plain(10, i));
        }
        byte[] into = new byte[64];
        assertThat(open(server, records[69], into)).isEqualTo(10);
        assertThat(open(server, records[69], into)).as("replayed").isEqualTo(-1);
        assertThat(open(server, records[5], into)).as("64 behind the newest: out of the window").isEqualTo(-1);
        assertThat(open(server, records[6], into)).as("63 behind: within the window").isEqualTo(10);
        assertThat(open(server, records[6], into)).as("replayed within the window").isEqualTo(-1);
        assertThat(open(server, records[68], into)).as("reordered, not yet seen").isEqualTo(10);
    }

    @Test
    void malformedRecordsAreRefused() throws Exception {
        byte[] record = seal(client, GcmRecordLayer.APPLICATION_DATA, plain(10, 0));
        byte[] into = new byte[64];
        assertThat(GcmRecordLayer.recordLength(wrap(record), 0, record.length - 1)).as("truncated").isEqualTo(-1);
        assertThat(GcmRecordLayer.recordLength(wrap(record), 0, 12)).as("shorter than a header").isEqualTo(-1);
        byte[] tooShort = Arrays.copyOf(record, GcmRecordLayer.HEADER + 8 + 15);
        ByteBuffer.wrap(tooShort).putShort(11, (short) (8 + 15));
        assertThat(open(server, tooShort, into)).as("no room for a tag").isEqualTo(-1);
        byte[] handshake = record.clone();
        handshake[0] = 22;
        assertThat(GcmRecordLayer.isOurs(wrap(handshake), 0, handshake.length)).as("handshake: Bouncy Castle's").isFalse();
        byte[] epochZero = record.clone();
        epochZero[4] = 0;
        assertThat(GcmRecordLayer.isOurs(wrap(epochZero), 0, epochZero.length)).isFalse();
        assertThat(open(server, record, into)).as("the genuine record").isEqualTo(10);
    }

    @Test
    void aPlaintextWithoutRoomForTheRecordIsRefusedAndCostsNoSequenceNumber() throws Exception {
        ByteBuf noFront = buffer(10 + GcmRecordLayer.OVERHEAD);
        ByteBuf noTag = buffer(10 + GcmRecordLayer.OVERHEAD);
        try {
            noFront.setIndex(GcmRecordLayer.FRONT - 1, GcmRecordLayer.FRONT - 1).writeZero(10);
            noTag.setIndex(GcmRecordLayer.FRONT + 1, GcmRecordLayer.FRONT + 1).writeZero(10);
            assertThatThrownBy(() -> server.seal(GcmRecordLayer.APPLICATION_DATA, noFront))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("in front");
            assertThatThrownBy(() -> server.seal(GcmRecordLayer.APPLICATION_DATA, noTag))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("behind");
        } finally {
            noFront.release();
            noTag.release();
        }
        byte[] record = seal(server, GcmRecordLayer.APPLICATION_DATA, plain(10, 0));
        assertThat(ByteBuffer.wrap(record).getLong(3) & 0xFFFF_FFFF_FFFFL).isEqualTo(GcmRecordLayer.FIRST_SEQUENCE);
    }

    @Test
    void recordsSealedInHeapBuffersOpenInNativeOnesAndBack() throws Exception {
        direct = false;
        byte[] fromHeap = seal(server, GcmRecordLayer.APPLICATION_DATA, plain(300, 9));
        byte[] toNative = seal(client, GcmRecordLayer.APPLICATION_DATA, plain(301, 8));
        byte[] into = new byte[400];
        assertThat(open(server, toNative, into)).isEqualTo(301);
        assertThat(Arrays.copyOf(into, 301)).isEqualTo(plain(301, 8));
        direct = true;
        assertThat(open(client, fromHeap, into)).isEqualTo(300);
        assertThat(Arrays.copyOf(into, 300)).isEqualTo(plain(300, 9));
        direct = false;
        byte[] again = seal(server, GcmRecordLayer.APPLICATION_DATA, plain(300, 9));
        again[40] ^= 1;
        assertThat(open(client, again, into)).as("tampered, opened in a heap buffer").isEqualTo(-1);
    }

    @Test
    void alertsAreSealedWithTheirOwnType() throws Exception {
        byte[] record = seal(server, GcmRecordLayer.ALERT, new byte[] {1, 0});
        assertThat(record[0]).isEqualTo((byte) 21);
        byte[] into = new byte[8];
        assertThat(open(client, record, into)).isEqualTo(2);
        record[0] = 23; // the type is authenticated
        assertThat(open(client, record, into)).isEqualTo(-1);
    }

    @Test
    void aClosedLayerNeitherSealsNorOpens() throws Exception {
        byte[] record = seal(client, GcmRecordLayer.APPLICATION_DATA, plain(10, 0));
        server.close();
        server.close();
        assertThat(open(server, record, new byte[64])).isEqualTo(-1);
        assertThatThrownBy(() -> seal(server, GcmRecordLayer.APPLICATION_DATA, plain(10, 0)))
                .isInstanceOf(java.io.IOException.class).hasMessageContaining("closed");
    }
}
