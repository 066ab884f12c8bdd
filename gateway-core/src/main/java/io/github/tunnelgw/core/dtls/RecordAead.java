package io.github.tunnelgw.core.dtls;

/**
 * One AES-GCM key of a DTLS association, for one direction: it seals the records we send or opens the ones we
 * receive. The nonce and the additional data come from {@link GcmRecordLayer}, which owns the record format and the
 * replay window. One caller at a time (the association's send lock, or the event loop).
 */
interface RecordAead extends AutoCloseable {
    /** Bytes the authentication tag adds. */
    int TAG = 16;

    /**
     * Encrypts {@code length} bytes of {@code in} from {@code inOffset} into {@code out} from {@code outOffset},
     * tag appended.
     *
     * @return bytes written: {@code length + TAG}
     * @throws IllegalStateException if the key was closed
     */
    int seal(byte[] nonce, byte[] aad, byte[] in, int inOffset, int length, byte[] out, int outOffset);

    /**
     * Decrypts and authenticates {@code length} bytes (ciphertext and tag) of {@code in} from {@code inOffset} into
     * {@code out} from {@code outOffset}.
     *
     * @return the plaintext length, or -1 if the record does not authenticate (nothing is written then that a caller
     * may use)
     * @throws IllegalStateException if the key was closed
     */
    int open(byte[] nonce, byte[] aad, byte[] in, int inOffset, int length, byte[] out, int outOffset);

    /** Forgets the key; native memory is freed at once. Later calls throw. */
    @Override
    void close();
}
