package io.github.tunnelgw.core.dtls;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The few functions of GnuTLS's AEAD API (libgnutls.so.30, GnuTLS ≥ 3.6.10; the library openconnect and ocserv use)
 * that {@link GnutlsAead} calls, bound with the JDK's foreign function API. Loaded with {@code dlopen}, so the
 * gateway runs without it (see {@link AeadEngines}). The per-record calls are bound as critical: they are short, do
 * not call back into Java, and so need no thread-state transition.
 *
 * <p>The per-record calls are the in-place ones ({@code _encryptv2}, {@code _decryptv2}): a record is sealed and
 * opened where it lies, in the packet's own buffer. Their tag argument is bound as a 64-bit integer rather than an
 * address, so that a buffer's raw address can be passed without a segment object per record; on the LP64 ABIs the
 * JDK links for (x86-64, AArch64) a pointer and a 64-bit integer are passed alike.
 */
@SuppressWarnings("restricted") // binding native code is this class's job; bin/gateway enables native access
final class GnutlsLibrary {
    static final String SONAME = "libgnutls.so.30";
    /** The oldest release with {@code gnutls_aead_cipher_init} and the in-place encrypt and decrypt calls. */
    private static final String MINIMUM_VERSION = "3.6.10";

    final String version;
    final int aes128Gcm;
    final int aes256Gcm;
    /** {@code int gnutls_aead_cipher_init(gnutls_aead_cipher_hd_t *handle, int cipher, const gnutls_datum_t *key)} */
    final MethodHandle init;
    /** {@code int gnutls_aead_cipher_encryptv2(handle, nonce, nonce_len, auth_iov, auth_iovcnt, iov, iovcnt, tag, *tag_size)} */
    final MethodHandle encrypt;
    /** {@code int gnutls_aead_cipher_decryptv2(handle, nonce, nonce_len, auth_iov, auth_iovcnt, iov, iovcnt, tag, tag_size)} */
    final MethodHandle decrypt;
    /** {@code void gnutls_aead_cipher_deinit(handle)} */
    final MethodHandle deinit;
    private final MethodHandle strerror;

    private GnutlsLibrary(String version, int aes128Gcm, int aes256Gcm, MethodHandle init, MethodHandle encrypt,
                          MethodHandle decrypt, MethodHandle deinit, MethodHandle strerror) {
        this.version = version;
        this.aes128Gcm = aes128Gcm;
        this.aes256Gcm = aes256Gcm;
        this.init = init;
        this.encrypt = encrypt;
        this.decrypt = decrypt;
        this.deinit = deinit;
        this.strerror = strerror;
    }

    /**
     * Opens the library by its soname.
     *
     * @throws UnavailableException with the reason (not installed, too old, a symbol or a cipher missing)
     */
    static GnutlsLibrary load(String soname) throws UnavailableException {
        Linker linker = Linker.nativeLinker();
        SymbolLookup symbols;
        try {
            symbols = SymbolLookup.libraryLookup(soname, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new UnavailableException(soname + " is not installed");
        } catch (IllegalCallerException e) {
            throw new UnavailableException("native access is not enabled (--enable-native-access=ALL-UNNAMED)");
        }
        try {
            MethodHandle checkVersion = linker.downcallHandle(find(symbols, "gnutls_check_version"),
                    FunctionDescriptor.of(ADDRESS, ADDRESS));
            MethodHandle cipherId = linker.downcallHandle(find(symbols, "gnutls_cipher_get_id"),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS));
            String version;
            int aes128;
            int aes256;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment found = (MemorySegment) checkVersion.invokeExact(arena.allocateFrom(MINIMUM_VERSION));
                if (found.equals(MemorySegment.NULL)) {
                    throw new UnavailableException(soname + " is older than GnuTLS " + MINIMUM_VERSION);
                }
                version = ((MemorySegment) checkVersion.invokeExact(MemorySegment.NULL)).reinterpret(64).getString(0);
                aes128 = (int) cipherId.invokeExact(arena.allocateFrom("AES-128-GCM"));
                aes256 = (int) cipherId.invokeExact(arena.allocateFrom("AES-256-GCM"));
            }
            if (aes128 <= 0 || aes256 <= 0) {
                throw new UnavailableException("GnuTLS " + version + " has no AES-GCM");
            }
            FunctionDescriptor encryptv2 = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS,
                    JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS);
            FunctionDescriptor decryptv2 = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS,
                    JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG);
            Linker.Option critical = Linker.Option.critical(false);
            return new GnutlsLibrary(version, aes128, aes256,
                    linker.downcallHandle(find(symbols, "gnutls_aead_cipher_init"),
                            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS)),
                    linker.downcallHandle(find(symbols, "gnutls_aead_cipher_encryptv2"), encryptv2, critical),
                    linker.downcallHandle(find(symbols, "gnutls_aead_cipher_decryptv2"), decryptv2, critical),
                    linker.downcallHandle(find(symbols, "gnutls_aead_cipher_deinit"),
                            FunctionDescriptor.ofVoid(ADDRESS)),
                    linker.downcallHandle(find(symbols, "gnutls_strerror"), FunctionDescriptor.of(ADDRESS, JAVA_INT)));
        } catch (UnavailableException e) {
            throw e;
        } catch (Throwable e) {
            throw new UnavailableException("binding " + soname + " failed: " + e);
        }
    }

    private static MemorySegment find(SymbolLookup symbols, String name) throws UnavailableException {
        return symbols.find(name).orElseThrow(() -> new UnavailableException("no symbol " + name));
    }

    /** GnuTLS's text for an error code, for exceptions. */
    String describe(int error) {
        try {
            MemorySegment text = (MemorySegment) strerror.invokeExact(error);
            return text.equals(MemorySegment.NULL) ? "error " + error : text.reinterpret(256).getString(0) + " (" + error + ")";
        } catch (Throwable e) {
            return "error " + error;
        }
    }

    /** Why GnuTLS cannot be used here. */
    static final class UnavailableException extends Exception {
        UnavailableException(String reason) {
            super(reason);
        }
    }
}
