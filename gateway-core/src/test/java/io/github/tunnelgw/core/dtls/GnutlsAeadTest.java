package io.github.tunnelgw.core.dtls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
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
    void aRecordIsSealedAndOpenedWhereItLiesInANativeBuffer() throws Exception {
        try (RecordAead key = GnutlsAead.newKey(gnutls, new byte[32])) {
            byte[] plain = new byte[1400];
            Arrays.fill(plain, (byte) 7);
            ByteBuf buffer = Unpooled.directBuffer(3 + 1400 + RecordAead.TAG);
            try {
                assertThat(buffer.hasMemoryAddress()).as("the JDK and Netty give native buffers an address").isTrue();
                buffer.writeZero(3).writeBytes(plain);
                assertThat(key.seal(nonce, aad, buffer, 3, 1400)).isEqualTo(1400 + RecordAead.TAG);
                assertThat(buffer.writerIndex()).as("indices left alone").isEqualTo(3 + 1400);
                byte[] sealed = ByteBufUtil.getBytes(buffer, 3, 1400 + RecordAead.TAG);
                assertThat(Arrays.copyOf(sealed, 1400)).as("encrypted in place").isNotEqualTo(plain);
                assertThat(ByteBufUtil.getBytes(buffer, 0, 3)).as("nothing in front touched").containsOnly(0);

                assertThat(key.open(nonce, aad, buffer, 3, 1400 + RecordAead.TAG)).isEqualTo(1400);
                assertThat(ByteBufUtil.getBytes(buffer, 3, 1400)).as("decrypted in place").isEqualTo(plain);
            } finally {
                buffer.release();
            }
        }
    }

    @Test
    void heapBuffersLargerThanTheInitialScratchSealAndOpen() throws Exception {
        try (RecordAead key = GnutlsAead.newKey(gnutls, new byte[32])) {
            byte[] plain = new byte[16_000];
            Arrays.fill(plain, (byte) 7);
            ByteBuf buffer = Unpooled.buffer(plain.length + RecordAead.TAG).writeBytes(plain);
            assertThat(key.seal(nonce, aad, buffer, 0, plain.length)).isEqualTo(plain.length + RecordAead.TAG);
            assertThat(key.open(nonce, aad, buffer, 0, plain.length + RecordAead.TAG)).isEqualTo(plain.length);
            assertThat(ByteBufUtil.getBytes(buffer, 0, plain.length)).isEqualTo(plain);
        }
    }

    @Test
    void sealRefusesABufferWithoutRoomForTheTagAndOpenARecordShorterThanOne() throws Exception {
        try (RecordAead key = GnutlsAead.newKey(gnutls, new byte[16])) {
            ByteBuf tight = Unpooled.directBuffer(100 + RecordAead.TAG - 1, 100 + RecordAead.TAG - 1).writeZero(100);
            try {
                assertThatThrownBy(() -> key.seal(nonce, aad, tight, 0, 100))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no room for the tag");
                assertThat(key.open(nonce, aad, tight, 0, 15)).as("shorter than a tag").isEqualTo(-1);
            } finally {
                tight.release();
            }
        }
    }

    @Test
    void aChangedByteIsRefused() throws Exception {
        try (RecordAead key = GnutlsAead.newKey(gnutls, new byte[16])) {
            ByteBuf buffer = Unpooled.directBuffer(100 + RecordAead.TAG).writeZero(100);
            try {
                key.seal(nonce, aad, buffer, 0, 100);
                buffer.setByte(100, buffer.getByte(100) ^ 1); // the tag's first byte
                assertThat(key.open(nonce, aad, buffer, 0, 100 + RecordAead.TAG)).isEqualTo(-1);
            } finally {
                buffer.release();
            }
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
        ByteBuf buffer = Unpooled.directBuffer(26).writeZero(10);
        try {
            assertThatThrownBy(() -> key.seal(nonce, aad, buffer, 0, 10))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
            assertThatThrownBy(() -> key.open(nonce, aad, buffer, 0, 26))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        } finally {
            buffer.release();
        }
    }

    /** A delivering thread may still be sealing when the event loop drops the association: it must never reach a freed handle. */
    @Test
    void closingWhileAnotherThreadSealsNeverReachesAFreedHandle() throws Exception {
        for (int round = 0; round < 20; round++) {
            RecordAead key = GnutlsAead.newKey(gnutls, new byte[32]);
            AtomicReference<Throwable> ended = new AtomicReference<>();
            Thread sealer = Thread.ofPlatform().start(() -> {
                ByteBuf buffer = Unpooled.directBuffer(1400 + RecordAead.TAG).writeZero(1400);
                try {
                    while (true) {
                        key.seal(nonce, aad, buffer, 0, 1400);
                    }
                } catch (Throwable e) {
                    ended.set(e);
                } finally {
                    buffer.release();
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
            ByteBuf buffer = Unpooled.directBuffer(1400 + RecordAead.TAG).writeZero(1400);
            try {
                double perRecord = Double.MAX_VALUE;
                for (int round = 0; round < 10 && perRecord >= 8; round++) { // until C2 has compiled the path
                    long before = threads.getCurrentThreadAllocatedBytes();
                    for (int i = 0; i < 20_000; i++) {
                        nonce[11] = (byte) i;
                        key.seal(nonce, aad, buffer, 0, 1400);
                        key.open(nonce, aad, buffer, 0, 1400 + RecordAead.TAG);
                    }
                    perRecord = (threads.getCurrentThreadAllocatedBytes() - before) / 40_000.0;
                }
                assertThat(perRecord).as("bytes allocated per record").isLessThan(8);
            } finally {
                buffer.release();
            }
        }
    }
}
