package io.github.tunnelgw.core.dtls;

import io.netty.buffer.ByteBuf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.ref.Cleaner;
import java.security.GeneralSecurityException;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * AES-GCM through GnuTLS's in-place calls ({@code gnutls_aead_cipher_encryptv2} and {@code _decryptv2}): the key
 * schedule is done once per key, and a record is encrypted or decrypted where it lies, in the packet's own native
 * buffer, with no copy and no garbage. Only a buffer without a native address (a heap buffer: a test's, or a DPD
 * reply's) goes through this key's own off-heap scratch, copied in and out.
 *
 * <p>GnuTLS reads the nonce, the additional data and the I/O vectors from native memory: they live in this key's
 * small off-heap block. The GnuTLS handle is freed by {@link #close()} or, if the key is dropped unclosed (a
 * handshake whose session ended first), by a {@link Cleaner}; calls are serialised with {@code close} so that none
 * can reach a freed handle.
 */
final class GnutlsAead implements RecordAead {
    private static final Cleaner CLEANER = Cleaner.create();
    private static final int NONCE = 12;
    private static final int AAD = GcmRecordLayer.HEADER;
    private static final int INITIAL_SCRATCH = 2048;
    /** struct iovec: void *iov_base; size_t iov_len. */
    private static final int IOVEC = 16;

    private final GnutlsLibrary gnutls;
    private final MemorySegment handle;
    private final Cleaner.Cleanable release;
    private final MemorySegment nonce;
    private final MemorySegment aad;
    private final MemorySegment aadVector;
    private final MemorySegment dataVector;
    private final MemorySegment tagLength;
    private MemorySegment scratch;
    private boolean closed;

    private GnutlsAead(GnutlsLibrary gnutls, MemorySegment handle) {
        this.gnutls = gnutls;
        this.handle = handle;
        this.release = CLEANER.register(this, new Deinit(gnutls.deinit, handle));
        Arena auto = Arena.ofAuto(); // freed by the collector with the segments: no call can outlive them
        this.nonce = auto.allocate(NONCE);
        this.aad = auto.allocate(AAD);
        this.aadVector = auto.allocate(IOVEC, 8);
        this.dataVector = auto.allocate(IOVEC, 8);
        this.tagLength = auto.allocate(JAVA_LONG);
        aadVector.set(ADDRESS, 0, aad);
        aadVector.set(JAVA_LONG, 8, AAD);
        this.scratch = auto.allocate(INITIAL_SCRATCH);
    }

    static AeadEngine engine(GnutlsLibrary gnutls) {
        return new AeadEngine() {
            @Override
            public String description() {
                return "GnuTLS " + gnutls.version;
            }

            @Override
            public RecordAead newKey(byte[] key) throws GeneralSecurityException {
                return GnutlsAead.newKey(gnutls, key);
            }
        };
    }

    static GnutlsAead newKey(GnutlsLibrary gnutls, byte[] key) throws GeneralSecurityException {
        int cipher = switch (key.length) {
            case 16 -> gnutls.aes128Gcm;
            case 32 -> gnutls.aes256Gcm;
            default -> throw new GeneralSecurityException("AES-GCM key of " + key.length + " bytes");
        };
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment keyCopy = arena.allocate(key.length);
            MemorySegment datum = arena.allocate(16); // gnutls_datum_t: unsigned char *data; unsigned int size
            MemorySegment handleOut = arena.allocate(ADDRESS);
            try {
                MemorySegment.copy(key, 0, keyCopy, JAVA_BYTE, 0, key.length);
                datum.set(ADDRESS, 0, keyCopy);
                datum.set(JAVA_INT, 8, key.length);
                int result = (int) gnutls.init.invokeExact(handleOut, cipher, datum);
                if (result < 0) {
                    throw new GeneralSecurityException("gnutls_aead_cipher_init: " + gnutls.describe(result));
                }
                return new GnutlsAead(gnutls, handleOut.get(ADDRESS, 0));
            } finally {
                keyCopy.fill((byte) 0); // GnuTLS keeps its own expanded copy
            }
        } catch (GeneralSecurityException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new GeneralSecurityException("gnutls_aead_cipher_init failed: " + e, e);
        }
    }

    @Override
    public synchronized int seal(byte[] nonceBytes, byte[] aadBytes, ByteBuf buffer, int index, int length) {
        if (buffer.capacity() - index - length < TAG) {
            throw new IllegalArgumentException("no room for the tag after " + length + " bytes at " + index);
        }
        prepare(nonceBytes, aadBytes);
        int result;
        if (buffer.hasMemoryAddress()) {
            result = encrypt(buffer.memoryAddress() + index, length);
        } else {
            MemorySegment bytes = scratch(length + TAG);
            MemorySegment.copy(bytes(buffer, index, length), 0, bytes, 0, length);
            result = encrypt(bytes.address(), length);
            if (result >= 0) {
                buffer.setBytes(index, bytes.asByteBuffer().limit(length + TAG));
            }
        }
        if (result < 0) {
            throw new IllegalStateException("gnutls_aead_cipher_encryptv2: " + gnutls.describe(result));
        }
        return length + TAG;
    }

    @Override
    public synchronized int open(byte[] nonceBytes, byte[] aadBytes, ByteBuf buffer, int index, int length) {
        checkOpen();
        if (length < TAG) {
            return -1;
        }
        prepare(nonceBytes, aadBytes);
        int plain = length - TAG;
        if (buffer.hasMemoryAddress()) {
            return decrypt(buffer.memoryAddress() + index, plain) < 0 ? -1 : plain;
        }
        MemorySegment bytes = scratch(length);
        MemorySegment.copy(bytes(buffer, index, length), 0, bytes, 0, length);
        if (decrypt(bytes.address(), plain) < 0) {
            return -1; // GNUTLS_E_DECRYPTION_FAILED: the tag does not match
        }
        buffer.setBytes(index, bytes.asByteBuffer().limit(plain));
        return plain;
    }

    /** Encrypts {@code length} bytes at {@code address} in place; the tag goes right after them. */
    private int encrypt(long address, int length) {
        dataVector.set(JAVA_LONG, 0, address);
        dataVector.set(JAVA_LONG, 8, length);
        tagLength.set(JAVA_LONG, 0, TAG);
        try {
            return (int) gnutls.encrypt.invokeExact(handle, nonce, (long) NONCE, aadVector, 1, dataVector, 1,
                    address + length, tagLength);
        } catch (Throwable e) {
            throw new IllegalStateException("GnuTLS AEAD call failed", e);
        }
    }

    /** Decrypts {@code length} bytes at {@code address} in place against the tag right after them. */
    private int decrypt(long address, int length) {
        dataVector.set(JAVA_LONG, 0, address);
        dataVector.set(JAVA_LONG, 8, length);
        try {
            return (int) gnutls.decrypt.invokeExact(handle, nonce, (long) NONCE, aadVector, 1, dataVector, 1,
                    address + length, (long) TAG);
        } catch (Throwable e) {
            throw new IllegalStateException("GnuTLS AEAD call failed", e);
        }
    }

    /** The bytes of a buffer without a native address, as a segment (heap buffers: not the data path). */
    private static MemorySegment bytes(ByteBuf buffer, int index, int length) {
        return MemorySegment.ofBuffer(buffer.nioBuffer(index, length));
    }

    private void prepare(byte[] nonceBytes, byte[] aadBytes) {
        checkOpen();
        if (nonceBytes.length != NONCE || aadBytes.length != AAD) {
            throw new IllegalArgumentException("nonce of " + nonceBytes.length + " and additional data of "
                    + aadBytes.length + " bytes");
        }
        MemorySegment.copy(nonceBytes, 0, nonce, JAVA_BYTE, 0, NONCE);
        MemorySegment.copy(aadBytes, 0, aad, JAVA_BYTE, 0, AAD);
    }

    private MemorySegment scratch(int bytes) {
        if (bytes > scratch.byteSize()) {
            scratch = Arena.ofAuto().allocate(Integer.highestOneBit(bytes) << 1);
        }
        return scratch;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("record key closed");
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            release.clean();
        }
    }

    /** Holds no reference to the key object, so that the cleaner can run once it is unreachable. */
    private record Deinit(MethodHandle deinit, MemorySegment handle) implements Runnable {
        @Override
        public void run() {
            try {
                deinit.invokeExact(handle);
            } catch (Throwable e) {
                throw new IllegalStateException("gnutls_aead_cipher_deinit failed", e);
            }
        }
    }
}
