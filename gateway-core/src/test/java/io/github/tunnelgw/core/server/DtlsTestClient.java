package io.github.tunnelgw.core.server;

import io.github.tunnelgw.core.dtls.ClientHellos;
import io.github.tunnelgw.core.dtls.DtlsSelfClient;
import org.bouncycastle.tls.BasicTlsPSKIdentity;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.PSKTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketTimeoutException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A DTLS 1.2 PSK client (Bouncy Castle) speaking to the gateway's UDP listener the way openconnect does: identity
 * "psk", the exporter value as key, AES-GCM PSK suites. It names its session with the App-ID in extension 48018
 * (what older OpenSSL-based openconnect builds send); the session_id path is covered by the real openconnect.
 */
final class DtlsTestClient implements AutoCloseable {

    private final RebindableTransport transport;
    final DTLSTransport dtls;

    private DtlsTestClient(RebindableTransport transport, DTLSTransport dtls) {
        this.transport = transport;
        this.dtls = dtls;
    }

    static DtlsTestClient connect(InetSocketAddress server, String appIdHex, byte[] psk) throws IOException {
        return connect(server, appIdHex, psk, 10_000);
    }

    static DtlsTestClient connect(InetSocketAddress server, String appIdHex, byte[] psk, int handshakeTimeoutMillis)
            throws IOException {
        return connect(server, appIdHex, psk, handshakeTimeoutMillis, CipherSuite.TLS_PSK_WITH_AES_256_GCM_SHA384);
    }

    /** @param suite the one cipher suite the client offers */
    static DtlsTestClient connect(InetSocketAddress server, String appIdHex, byte[] psk, int handshakeTimeoutMillis,
                                  int suite) throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        try {
            socket.connect(server);
            byte[] appId = HexFormat.of().parseHex(appIdHex);
            PSKTlsClient client = new PSKTlsClient(new JcaTlsCryptoProvider().create(new SecureRandom()),
                    new BasicTlsPSKIdentity("psk", psk)) {
                @Override
                protected ProtocolVersion[] getSupportedVersions() {
                    return ProtocolVersion.DTLSv12.only();
                }

                @Override
                protected int[] getSupportedCipherSuites() {
                    return new int[]{suite};
                }

                @Override
                public Hashtable<Integer, byte[]> getClientExtensions() throws IOException {
                    return DtlsSelfClient.withAppId(super.getClientExtensions(), appId);
                }

                @Override
                public int getHandshakeTimeoutMillis() {
                    return handshakeTimeoutMillis;
                }
            };
            RebindableTransport transport = new RebindableTransport(socket);
            DTLSTransport dtls = new DTLSClientProtocol().connect(client, transport);
            return new DtlsTestClient(transport, dtls);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    void send(byte type, byte[] payload) throws IOException {
        byte[] record = new byte[payload.length + 1];
        record[0] = type;
        System.arraycopy(payload, 0, record, 1, payload.length);
        dtls.send(record, 0, record.length);
    }

    /** The next record's plaintext, or null if none arrives within {@code millis}. */
    byte[] receive(int millis) throws IOException {
        byte[] buf = new byte[2048];
        int n = dtls.receive(buf, 0, buf.length, millis);
        return n < 0 ? null : Arrays.copyOf(buf, n);
    }

    /** The last datagram this client received, exactly as it came off the wire. */
    byte[] lastReceivedDatagram() {
        return transport.lastReceived.clone();
    }

    /** The last datagram this client sent, exactly as it went on the wire (for replay tests). */
    byte[] lastSentDatagram() {
        return transport.sent.getLast().clone();
    }

    /**
     * The last ClientHello this client sent, exactly as it went on the wire: the one carrying the cookie, which
     * started the handshake that established this client's channel (for replay tests).
     */
    byte[] lastSentClientHello() {
        return transport.sent.reversed().stream()
                .filter(datagram -> ClientHellos.handshakeType(datagram) == ClientHellos.CLIENT_HELLO)
                .findFirst().orElseThrow().clone();
    }

    /** Sends bytes as they are from this client's own port, outside its DTLS state (forged-record tests). */
    void sendRaw(byte[] datagram) throws IOException {
        transport.socket.send(new DatagramPacket(datagram, datagram.length));
    }

    /** The local UDP address the DTLS records currently leave from. */
    InetSocketAddress localAddress() {
        return (InetSocketAddress) transport.socket.getLocalSocketAddress();
    }

    /**
     * Keeps the DTLS state (keys, sequence numbers) but moves to a fresh local port, as a NAT rebinding looks to the
     * server. The old socket is closed.
     */
    void rebindToNewPort() throws IOException {
        DatagramSocket old = transport.socket;
        DatagramSocket fresh = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        fresh.connect(old.getRemoteSocketAddress());
        transport.socket = fresh;
        old.close();
    }

    int sendLimit() throws IOException {
        return dtls.getSendLimit();
    }

    @Override
    public void close() {
        try {
            dtls.close();
        } catch (IOException ignored) {
            // the test is over
        }
        transport.socket.close();
    }

    /**
     * Like openconnect on a 1500-byte link: datagrams up to 1500 - 20 - 8 bytes. The socket can be swapped under the
     * DTLS state to simulate a NAT rebinding.
     */
    private static final class RebindableTransport implements DatagramTransport {
        private static final int LIMIT = 1472;
        volatile DatagramSocket socket;
        /** Every datagram sent, in order; a test client sends few. */
        final List<byte[]> sent = new CopyOnWriteArrayList<>();
        volatile byte[] lastReceived = new byte[0];

        RebindableTransport(DatagramSocket socket) {
            this.socket = socket;
        }

        @Override
        public int getReceiveLimit() {
            return LIMIT;
        }

        @Override
        public int getSendLimit() {
            return LIMIT;
        }

        @Override
        public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
            DatagramSocket current = socket;
            current.setSoTimeout(Math.max(waitMillis, 1));
            DatagramPacket packet = new DatagramPacket(buf, off, len);
            try {
                current.receive(packet);
            } catch (SocketTimeoutException e) {
                return -1;
            }
            lastReceived = Arrays.copyOfRange(buf, off, off + packet.getLength());
            return packet.getLength();
        }

        @Override
        public void send(byte[] buf, int off, int len) throws IOException {
            sent.add(Arrays.copyOfRange(buf, off, off + len));
            socket.send(new DatagramPacket(buf, off, len));
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
