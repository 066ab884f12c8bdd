package io.github.tunnelgw.core.dtls;

import io.netty.buffer.ByteBuf;

/**
 * One AES-GCM key of a DTLS association, for one direction: it seals the records we send or opens the ones we
 * receive, in place, in the buffer the record travels in. The nonce and the additional data come from
 * {@link GcmRecordLayer}, which owns the record format and the replay window. One caller at a time (the
 * association's send lock, or the event loop).
 */
interface RecordAead extends AutoCloseable {
    /** Bytes the authentication tag adds. */
    int TAG = 16;

    /**
     * Encrypts the {@code length} bytes at {@code index} of {@code buffer} where they lie and writes the tag right
     * after them. The buffer's indices are not moved.
     *
     * @return bytes of ciphertext and tag: {@code length + TAG}
     * @throws IllegalArgumentException if the buffer's capacity has no room for the tag
     * @throws IllegalStateException    if the key was closed
     */
    int seal(byte[] nonce, byte[] aad, ByteBuf buffer, int index, int length);

    /**
     * Decrypts and authenticates the {@code length} bytes (ciphertext, then tag) at {@code index} of {@code buffer}
     * where they lie: the plaintext starts at {@code index}. The buffer's indices are not moved.
     *
     * @return the plaintext length, or -1 if the record does not authenticate (the bytes are then garbage)
     * @throws IllegalStateException if the key was closed
     */
    int open(byte[] nonce, byte[] aad, ByteBuf buffer, int index, int length);

    /** Forgets the key; native memory is freed at once. Later calls throw. */
    @Override
    void close();
}
