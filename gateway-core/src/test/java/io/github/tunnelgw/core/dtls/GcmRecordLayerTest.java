package io.github.tunnelgw.core.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    byte[] seal(GcmRecordLayer layer, int type, byte[] plain) throws Exception {
        byte[] record = new byte[plain.length + GcmRecordLayer.OVERHEAD];
        int n = layer.seal(type, plain, 0, plain.length, record);
        assertThat(n).isEqualTo(record.length);
        return record;
    }

    int open(GcmRecordLayer layer, byte[] record, byte[] into) {
        return layer.open(record, 0, GcmRecordLayer.recordLength(record, 0, record.length), into);
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
        assertThat(GcmRecordLayer.isOurs(record, 0, record.length)).isTrue();

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
        assertThat(GcmRecordLayer.recordLength(record, 0, record.length - 1)).as("truncated").isEqualTo(-1);
        assertThat(GcmRecordLayer.recordLength(record, 0, 12)).as("shorter than a header").isEqualTo(-1);
        byte[] tooShort = Arrays.copyOf(record, GcmRecordLayer.HEADER + 8 + 15);
        ByteBuffer.wrap(tooShort).putShort(11, (short) (8 + 15));
        assertThat(server.open(tooShort, 0, tooShort.length, into)).as("no room for a tag").isEqualTo(-1);
        byte[] handshake = record.clone();
        handshake[0] = 22;
        assertThat(GcmRecordLayer.isOurs(handshake, 0, handshake.length)).as("handshake: Bouncy Castle's").isFalse();
        byte[] epochZero = record.clone();
        epochZero[4] = 0;
        assertThat(GcmRecordLayer.isOurs(epochZero, 0, epochZero.length)).isFalse();
        assertThat(server.open(record, 0, GcmRecordLayer.recordLength(record, 0, record.length), new byte[9]))
                .as("plaintext larger than the buffer").isEqualTo(-1);
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
