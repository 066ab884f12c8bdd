package io.github.tunnelgw.core.dtls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * Picks the DTLS record cipher for {@code dtls.recordCrypto}: {@code gnutls} requires GnuTLS, {@code jdk} uses the
 * JDK's AES-GCM, {@code auto} takes GnuTLS when it loads and passes the self-test, else the JDK. The self-test seals
 * with one engine and opens with the other (both key sizes, records from empty to full size) and checks that a
 * changed byte is refused, so a broken or mis-bound library can never carry traffic.
 */
final class AeadEngines {
    private static final int[] SELF_TEST_SIZES = {0, 1, 64, 1400, 9000};

    private AeadEngines() {
    }

    /** The engine, and why it was chosen: for the start-up log. */
    record Selection(AeadEngine engine, String reason) {
    }

    static Selection select(RecordCrypto choice) {
        return select(choice, GnutlsLibrary.SONAME);
    }

    /**
     * @param soname the GnuTLS library to try (tests name a missing one)
     * @throws IllegalStateException when {@code gnutls} was required and cannot be used, with the reason
     */
    static Selection select(RecordCrypto choice, String soname) {
        if (choice == RecordCrypto.JDK) {
            return new Selection(JdkAead.ENGINE, "dtls.recordCrypto is jdk");
        }
        String problem;
        try {
            AeadEngine gnutls = GnutlsAead.engine(GnutlsLibrary.load(soname));
            selfTest(gnutls);
            return new Selection(gnutls, "dtls.recordCrypto is " + choice.key());
        } catch (GnutlsLibrary.UnavailableException | GeneralSecurityException | RuntimeException e) {
            problem = e.getMessage();
        }
        if (choice == RecordCrypto.GNUTLS) {
            throw new IllegalStateException("dtls.recordCrypto is gnutls, but GnuTLS cannot be used: " + problem);
        }
        return new Selection(JdkAead.ENGINE, "GnuTLS cannot be used (" + problem + ")");
    }

    /**
     * @throws GeneralSecurityException if {@code candidate} and the JDK do not agree on every record, in a native
     *                                  buffer (the data path's) and in a heap one
     */
    static void selfTest(AeadEngine candidate) throws GeneralSecurityException {
        byte[] nonce = pattern(12, 1);
        byte[] aad = pattern(GcmRecordLayer.HEADER, 2);
        for (int keyLength : new int[]{16, 32}) {
            byte[] key = pattern(keyLength, 3);
            try (RecordAead tested = candidate.newKey(key); RecordAead reference = JdkAead.ENGINE.newKey(key)) {
                for (int size : SELF_TEST_SIZES) {
                    for (boolean direct : new boolean[]{true, false}) {
                        nonce[0]++; // the JDK refuses to seal twice under one nonce, rightly
                        agree(tested, reference, nonce, aad, keyLength, size, direct);
                    }
                }
            }
        }
    }

    private static void agree(RecordAead tested, RecordAead reference, byte[] nonce, byte[] aad, int keyLength,
                              int size, boolean direct) throws GeneralSecurityException {
        String what = "AES-" + keyLength * 8 + "-GCM of " + size + " bytes in a " + (direct ? "native" : "heap")
                + " buffer";
        byte[] plain = pattern(size, size);
        ByteBuf ours = direct ? Unpooled.directBuffer(size + RecordAead.TAG) : Unpooled.buffer(size + RecordAead.TAG);
        ByteBuf theirs = Unpooled.buffer(size + RecordAead.TAG);
        try {
            ours.writeBytes(plain);
            theirs.writeBytes(plain);
            if (tested.seal(nonce, aad, ours, 0, size) != size + RecordAead.TAG
                    || reference.seal(nonce, aad, theirs, 0, size) != size + RecordAead.TAG
                    || !Arrays.equals(bytes(ours, size + RecordAead.TAG), bytes(theirs, size + RecordAead.TAG))) {
                throw new GeneralSecurityException(what + " differs from the JDK's");
            }
            ours.setIndex(0, 0).writeBytes(bytes(theirs, size + RecordAead.TAG));
            if (tested.open(nonce, aad, ours, 0, size + RecordAead.TAG) != size
                    || !Arrays.equals(bytes(ours, size), plain)) {
                throw new GeneralSecurityException("the JDK's record, " + what + ", does not open");
            }
            ours.setIndex(0, 0).writeBytes(bytes(theirs, size + RecordAead.TAG));
            ours.setByte((size + RecordAead.TAG) / 2, ours.getByte((size + RecordAead.TAG) / 2) ^ 1);
            if (tested.open(nonce, aad, ours, 0, size + RecordAead.TAG) != -1) {
                throw new GeneralSecurityException("a changed record, " + what + ", still opens");
            }
        } finally {
            ours.release();
            theirs.release();
        }
    }

    private static byte[] bytes(ByteBuf buffer, int length) {
        byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        return bytes;
    }

    private static byte[] pattern(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (seed * 31 + i * 7);
        }
        return bytes;
    }
}
