package io.github.tunnelgw.core.dtls;

import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.PSKTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.TlsPSKIdentityManager;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.crypto.TlsSecret;
import org.bouncycastle.util.Arrays;

import java.io.IOException;
import java.security.GeneralSecurityException;

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

    private final AeadEngine records;
    private volatile GcmRecordLayer recordLayer;

    /** @param records the engine of the {@link GcmRecordLayer} that takes the records over after the handshake */
    OpenconnectPskServer(TlsCrypto crypto, byte[] psk, AeadEngine records) {
        super(crypto, new SessionPsk(psk));
        this.records = records;
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

    /**
     * Derives the key block the records of epoch 1 use (RFC 5246 §6.3), so that {@link GcmRecordLayer} can take the
     * records over from Bouncy Castle once the handshake is done. On the handshake thread.
     */
    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        SecurityParameters parameters = context.getSecurityParametersConnection();
        int keyLength = GcmRecordLayer.keyLength(parameters.getCipherSuite());
        TlsSecret master = parameters.getMasterSecret();
        if (keyLength < 0 || master == null || !master.isAlive()) {
            return; // Bouncy Castle keeps the records
        }
        byte[] seed = Arrays.concatenate(parameters.getServerRandom(), parameters.getClientRandom());
        byte[] keyBlock = master.deriveUsingPRF(parameters.getPRFAlgorithm(), ExporterLabel.key_expansion, seed,
                GcmRecordLayer.keyBlockLength(keyLength)).extract();
        try {
            recordLayer = GcmRecordLayer.forServer(records, keyLength, keyBlock);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up AES-GCM records: " + e.getMessage(), e);
        } finally {
            java.util.Arrays.fill(keyBlock, (byte) 0);
        }
    }

    /** The record layer for after the handshake, or null if Bouncy Castle keeps the records. */
    GcmRecordLayer recordLayer() {
        return recordLayer;
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
