package io.github.tunnelgw.core.dtls;

import org.bouncycastle.tls.BasicTlsPSKIdentity;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.PSKTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.crypto.TlsCrypto;

/**
 * A Bouncy Castle DTLS 1.2 PSK client offering the AES-GCM suites openconnect's GnuTLS offers for PSK-NEGOTIATE, for
 * driving the gateway's server side without openconnect: the handshake warm-up, and the JMH benchmarks.
 */
class OpenconnectLikePskClient extends PSKTlsClient {
    OpenconnectLikePskClient(TlsCrypto crypto, byte[] psk) {
        super(crypto, new BasicTlsPSKIdentity("psk", psk));
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return new int[]{CipherSuite.TLS_PSK_WITH_AES_256_GCM_SHA384, CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256};
    }

    /** The suite the handshake settled on. */
    int cipherSuite() {
        return context.getSecurityParametersConnection().getCipherSuite();
    }
}
