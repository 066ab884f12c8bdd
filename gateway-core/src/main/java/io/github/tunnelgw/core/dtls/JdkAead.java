package io.github.tunnelgw.core.dtls;

import io.netty.buffer.ByteBuf;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;

/**
 * AES-GCM through the JDK's {@code Cipher} (AES-NI intrinsics), available everywhere. Its price is per record: the
 * {@code init} a new nonce needs builds the mode's state again (about 0.4 µs and a few hundred bytes of garbage per
 * record here, see docs/benchmarks.md), which is why {@link GnutlsAead} is preferred where GnuTLS is installed.
 */
final class JdkAead implements RecordAead {
    static final AeadEngine ENGINE = new AeadEngine() {
        @Override
        public String description() {
            return "the JDK's AES-GCM (" + Runtime.version() + ")";
        }

        @Override
        public RecordAead newKey(byte[] key) throws GeneralSecurityException {
            return new JdkAead(key);
        }
    };

    private final SecretKeySpec key;
    private final Cipher cipher;
    private boolean closed;

    private JdkAead(byte[] key) throws GeneralSecurityException {
        this.key = new SecretKeySpec(key, "AES");
        this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
    }

    @Override
    public int seal(byte[] nonce, byte[] aad, ByteBuf buffer, int index, int length) {
        if (buffer.capacity() - index - length < TAG) {
            throw new IllegalArgumentException("no room for the tag after " + length + " bytes at " + index);
        }
        try {
            return crypt(Cipher.ENCRYPT_MODE, nonce, aad, buffer.nioBuffer(index, length),
                    buffer.nioBuffer(index, length + TAG));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM seal failed: " + e.getMessage(), e);
        }
    }

    @Override
    public int open(byte[] nonce, byte[] aad, ByteBuf buffer, int index, int length) {
        if (length < TAG) {
            checkOpen();
            return -1;
        }
        try {
            return crypt(Cipher.DECRYPT_MODE, nonce, aad, buffer.nioBuffer(index, length),
                    buffer.nioBuffer(index, length - TAG));
        } catch (GeneralSecurityException e) {
            return -1; // a bad tag
        }
    }

    /** In and out are two views of the same bytes: {@code Cipher}'s buffer calls are copy-safe for that. */
    private int crypt(int mode, byte[] nonce, byte[] aad, ByteBuffer in, ByteBuffer out)
            throws GeneralSecurityException {
        checkOpen();
        cipher.init(mode, key, new GCMParameterSpec(TAG * 8, nonce));
        cipher.updateAAD(aad);
        return cipher.doFinal(in, out);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("record key closed");
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
