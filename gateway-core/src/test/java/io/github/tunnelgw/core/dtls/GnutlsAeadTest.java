package io.github.tunnelgw.core.dtls;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GnutlsAeadTest {
    private final GnutlsLibrary gnutls = GnutlsLibrary.load(GnutlsLibrary.SONAME);
    private final byte[] nonce = new byte[12];
    private final byte[] aad = new byte[GcmRecordLayer.HEADER];

    GnutlsAeadTest() throws Exception {
    }

    @Test
    void recordsLargerThanTheInitialScratchSealAndOpen() throws Exception {
        try (RecordAead key = GnutlsAead.newKey(gnutls, new byte[32])) {
            byte[] plain = new byte[16_000];
            Arrays.fill(plain, (byte) 7);
            byte[] record = new byte[plain.length + RecordAead.TAG];
            assertThat(key.seal(nonce, aad, plain, 0, plain.length, record, 0)).isEqualTo(record.length);
            byte[] opened = new byte[plain.length];
            assertThat(key.open(nonce, aad, record, 0, record.length, opened, 0)).isEqualTo(plain.length);
            assertThat(opened).isEqualTo(plain);
        }
    }

    @Test
    void openRefusesARecordWhosePlaintextWouldNotFit() throws Exception {
        try (RecordAead key = GnutlsAead.newKey(gnutls, new byte[16])) {
            byte[] record = new byte[100 + RecordAead.TAG];
            key.seal(nonce, aad, new byte[100], 0, 100, record, 0);
            assertThat(key.open(nonce, aad, record, 0, record.length, new byte[99], 0)).isEqualTo(-1);
            assertThat(key.open(nonce, aad, record, 0, 15, new byte[99], 0)).as("shorter than a tag").isEqualTo(-1);
        }
    }

    @Test
    void keysOfOtherSizesAreRefused() {
        assertThatThrownBy(() -> GnutlsAead.newKey(gnutls, new byte[24]))
                .hasMessageContaining("key of 24 bytes");
    }

    @Test
    void aClosedKeyRefusesEveryCallAndClosingTwiceIsHarmless() throws Exception {
        RecordAead key = GnutlsAead.newKey(gnutls, new byte[32]);
        key.close();
        key.close();
        assertThatThrownBy(() -> key.seal(nonce, aad, new byte[10], 0, 10, new byte[26], 0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> key.open(nonce, aad, new byte[26], 0, 26, new byte[10], 0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    /** A delivering thread may still be sealing when the event loop drops the association: it must never reach a freed handle. */
    @Test
    void closingWhileAnotherThreadSealsNeverReachesAFreedHandle() throws Exception {
        for (int round = 0; round < 20; round++) {
            RecordAead key = GnutlsAead.newKey(gnutls, new byte[32]);
            AtomicReference<Throwable> ended = new AtomicReference<>();
            Thread sealer = Thread.ofPlatform().start(() -> {
                byte[] plain = new byte[1400];
                byte[] record = new byte[1400 + RecordAead.TAG];
                try {
                    while (true) {
                        key.seal(nonce, aad, plain, 0, plain.length, record, 0);
                    }
                } catch (Throwable e) {
                    ended.set(e);
                }
            });
            Thread.sleep(2);
            key.close();
            sealer.join(5_000);
            assertThat(ended.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        }
    }

    /** The packet path allocates nothing per record (the JDK's Cipher.init builds a few hundred bytes each time). */
    @Test
    void aWarmKeyAllocatesNothingPerRecord() throws Exception {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (RecordAead key = GnutlsAead.newKey(gnutls, new byte[32])) {
            byte[] plain = new byte[1400];
            byte[] record = new byte[1400 + RecordAead.TAG];
            byte[] opened = new byte[1400];
            double perRecord = Double.MAX_VALUE;
            for (int round = 0; round < 10 && perRecord >= 8; round++) { // until C2 has compiled the path
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 20_000; i++) {
                    nonce[11] = (byte) i;
                    key.seal(nonce, aad, plain, 0, plain.length, record, 0);
                    key.open(nonce, aad, record, 0, record.length, opened, 0);
                }
                perRecord = (threads.getCurrentThreadAllocatedBytes() - before) / 40_000.0;
            }
            assertThat(perRecord).as("bytes allocated per record").isLessThan(8);
        }
    }
}
