package io.github.tunnelgw.core.dtls;

import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.PSKTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsPSKIdentityManager;
import org.bouncycastle.tls.crypto.TlsCrypto;

/**
 * The DTLS server side of openconnect's PSK-NEGOTIATE (reference §5.2): DTLS 1.2 only, plain-PSK AES-GCM suites
 * (what openconnect's GnuTLS offers and what JCA accelerates), no identity hint, and the identity ignored: the PSK
 * was fixed by the session the ClientHello named.
 */
final class OpenconnectPskServer extends PSKTlsServer {
    private static final int[] SUITES = {
            CipherSuite.TLS_PSK_WITH_AES_256_GCM_SHA384,
            CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256,
    };
    /** A handshake holds a thread and a queue; an abandoned one must not hold them long. */
    static final int HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    /** Far above any message of a PSK handshake (no certificates), far below BC's default. */
    static final int MAX_HANDSHAKE_MESSAGE = 2048;

    OpenconnectPskServer(TlsCrypto crypto, byte[] psk) {
        super(crypto, new SessionPsk(psk));
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return SUITES.clone();
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return HANDSHAKE_TIMEOUT_MILLIS;
    }

    @Override
    public int getMaxHandshakeMessageSize() {
        return MAX_HANDSHAKE_MESSAGE;
    }

    /** The one PSK of the session, whatever identity the client names (openconnect always says "psk"). */
    private record SessionPsk(byte[] psk) implements TlsPSKIdentityManager {
        @Override
        public byte[] getHint() {
            return null;
        }

        @Override
        public byte[] getPSK(byte[] identity) {
            return psk.clone();
        }
    }
}
