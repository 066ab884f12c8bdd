package io.github.tunnelgw.core.dtls;

import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.UDPTransport;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Hashtable;

/**
 * The DTLS leg of the gateway's warm-up: opens the channel a CONNECT offered, over UDP, naming the session by its
 * App-ID in extension 48018 as OpenSSL-based openconnect builds do (reference §5.3), then runs its {@link Traffic}:
 * by default a DATA record and a DPD request, waiting for the DPD response.
 */
public final class DtlsSelfClient {
    private static final int MTU = 1500;
    private static final int TIMEOUT_MILLIS = 5_000;
    private static final byte DATA = 0x00, DPD_REQUEST = 0x03, DPD_RESPONSE = 0x04;

    /** What the client does on an established channel; the channel is closed after it returns. */
    @FunctionalInterface
    public interface Traffic {
        /**
         * @param packet an IPv4 packet from the client's leased address
         * @throws IOException naming what went wrong
         */
        void run(DTLSTransport dtls, byte[] packet) throws IOException;
    }

    /** One DATA record carrying the packet, then a DPD request answered. */
    public static final Traffic ONE_PACKET_AND_DPD = DtlsSelfClient::sendPacketAndDpd;
    private static final TlsCrypto CRYPTO = new JcaTlsCryptoProvider().create(new SecureRandom());

    private DtlsSelfClient() {
    }

    /**
     * @param appId  the 32-byte App-ID of the offer ({@code X-DTLS-App-ID})
     * @param psk    the TLS session's exporter value ({@link PskNegotiation#EXPORTER_LABEL})
     * @param packet an IPv4 packet from the client's leased address
     * @throws IOException naming the step that failed
     */
    public static void exchange(InetSocketAddress server, byte[] appId, byte[] psk, byte[] packet, Traffic traffic)
            throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(server.getAddress(), 0))) {
            socket.connect(server);
            DTLSTransport dtls = new DTLSClientProtocol().connect(new AppIdClient(psk, appId), new UDPTransport(socket, MTU));
            try {
                traffic.run(dtls, packet);
            } finally {
                dtls.close();
            }
        }
    }

    private static void sendPacketAndDpd(DTLSTransport dtls, byte[] packet) throws IOException {
        byte[] record = new byte[packet.length + 1];
        record[0] = DATA;
        System.arraycopy(packet, 0, record, 1, packet.length);
        dtls.send(record, 0, record.length);
        dtls.send(new byte[]{DPD_REQUEST}, 0, 1);
        byte[] in = new byte[MTU];
        for (int records = 0; records < 16; records++) {
            int n = dtls.receive(in, 0, in.length, TIMEOUT_MILLIS);
            if (n < 0) {
                throw new IOException("no DTLS DPD response within " + TIMEOUT_MILLIS + " ms");
            }
            if (n >= 1 && in[0] == DPD_RESPONSE) {
                return;
            }
        }
        throw new IOException("no DTLS DPD response among the first 16 records");
    }

    /**
     * {@code extensions} (null for none) plus extension 48018 carrying {@code appId} (1-byte length, then the id), as
     * OpenSSL-based openconnect builds name their session.
     */
    public static Hashtable<Integer, byte[]> withAppId(Hashtable<Integer, byte[]> extensions, byte[] appId) {
        Hashtable<Integer, byte[]> all = extensions == null ? new Hashtable<>() : extensions;
        byte[] data = new byte[appId.length + 1];
        data[0] = (byte) appId.length;
        System.arraycopy(appId, 0, data, 1, appId.length);
        all.put(ClientHelloInspector.EXTENSION_APPLICATION_ID, data);
        return all;
    }

    private static final class AppIdClient extends OpenconnectLikePskClient {
        private final byte[] appId;

        AppIdClient(byte[] psk, byte[] appId) {
            super(CRYPTO, psk);
            this.appId = appId.clone();
        }

        @Override
        public Hashtable<Integer, byte[]> getClientExtensions() throws IOException {
            return withAppId(super.getClientExtensions(), appId);
        }

        @Override
        public int getHandshakeTimeoutMillis() {
            return TIMEOUT_MILLIS;
        }
    }
}
