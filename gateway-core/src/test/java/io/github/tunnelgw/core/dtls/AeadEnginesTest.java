package io.github.tunnelgw.core.dtls;

import io.netty.buffer.ByteBuf;

import org.junit.jupiter.api.Test;

import java.security.GeneralSecurityException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AeadEnginesTest {
    private static final String MISSING = "libgnutls-not-installed.so.99";

    @Test
    void autoTakesGnutlsWhereItIsInstalled() {
        AeadEngines.Selection selection = AeadEngines.select(RecordCrypto.AUTO);

        assertThat(selection.engine().description()).startsWith("GnuTLS 3.");
        assertThat(selection.reason()).isEqualTo("dtls.recordCrypto is auto");
    }

    @Test
    void autoFallsBackToTheJdkAndSaysWhy() {
        AeadEngines.Selection selection = AeadEngines.select(RecordCrypto.AUTO, MISSING);

        assertThat(selection.engine()).isSameAs(JdkAead.ENGINE);
        assertThat(selection.reason()).contains(MISSING).contains("not installed");
    }

    @Test
    void gnutlsRequiredButMissingStopsTheStartWithTheReason() {
        assertThatThrownBy(() -> AeadEngines.select(RecordCrypto.GNUTLS, MISSING))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("dtls.recordCrypto is gnutls")
                .hasMessageContaining(MISSING);
    }

    @Test
    void jdkIsTakenWithoutLookingForGnutls() {
        assertThat(AeadEngines.select(RecordCrypto.JDK, MISSING).engine()).isSameAs(JdkAead.ENGINE);
    }

    @Test
    void theSelfTestPassesGnutlsAndTheJdk() throws Exception {
        AeadEngines.selfTest(GcmRecordLayerTest.gnutls());
        AeadEngines.selfTest(JdkAead.ENGINE);
    }

    @Test
    void theSelfTestRefusesAnEngineThatDisagreesWithTheJdk() {
        assertThatThrownBy(() -> AeadEngines.selfTest(new Altered(JdkAead.ENGINE, 1400, false)))
                .isInstanceOf(GeneralSecurityException.class).hasMessageContaining("1400 bytes in a native buffer differs");
        assertThatThrownBy(() -> AeadEngines.selfTest(new Altered(JdkAead.ENGINE, -1, true)))
                .isInstanceOf(GeneralSecurityException.class).hasMessageContaining("still opens");
    }

    /**
     * A broken engine: it flips a byte of the records of one size, or opens whatever it is given (what a binding
     * that passed the wrong tag length could do).
     */
    private record Altered(AeadEngine inner, int corruptSize, boolean opensAnything) implements AeadEngine {
        @Override
        public String description() {
            return "altered";
        }

        @Override
        public RecordAead newKey(byte[] key) throws GeneralSecurityException {
            RecordAead real = inner.newKey(key);
            return new RecordAead() {
                @Override
                public int seal(byte[] nonce, byte[] aad, ByteBuf buffer, int index, int length) {
                    int n = real.seal(nonce, aad, buffer, index, length);
                    if (length == corruptSize) {
                        buffer.setByte(index, buffer.getByte(index) ^ 1);
                    }
                    return n;
                }

                @Override
                public int open(byte[] nonce, byte[] aad, ByteBuf buffer, int index, int length) {
                    int n = real.open(nonce, aad, buffer, index, length);
                    return opensAnything ? length - TAG : n;
                }

                @Override
                public void close() {
                    real.close();
                }
            };
        }
    }
}
