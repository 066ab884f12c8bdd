package io.github.tunnelgw.core.server;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A TLS client that sees record boundaries: every {@link #readRecord()} unwraps exactly one TLS record, so a
 * test can prove that each CSTP frame travelled in a record of its own. Trusts any certificate (test only).
 */
final class RecordTlsClient implements AutoCloseable {
    private final SocketChannel socket;
    private final SSLEngine engine;
    private ByteBuffer netIn = ByteBuffer.allocate(64 * 1024);
    private final ByteBuffer appIn = ByteBuffer.allocate(64 * 1024);
    private final ByteBuffer netOut = ByteBuffer.allocate(64 * 1024);
    private final ByteArrayOutputStream stream = new ByteArrayOutputStream();

    private RecordTlsClient(SocketChannel socket, SSLEngine engine) {
        this.socket = socket;
        this.engine = engine;
        netIn.flip();
    }

    static RecordTlsClient connect(InetSocketAddress address, String... protocols) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[]{new TrustAll()}, new SecureRandom());
        SSLEngine engine = context.createSSLEngine("localhost", address.getPort());
        engine.setUseClientMode(true);
        if (protocols.length > 0) {
            engine.setEnabledProtocols(protocols);
        }
        SocketChannel socket = SocketChannel.open(address);
        socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
        socket.socket().setSoTimeout(10_000);
        RecordTlsClient client = new RecordTlsClient(socket, engine);
        client.handshake();
        return client;
    }

    /** How long a read waits for the gateway before it fails with "Read timed out" (10 s unless set). */
    RecordTlsClient readTimeout(java.time.Duration timeout) throws IOException {
        socket.socket().setSoTimeout((int) timeout.toMillis());
        return this;
    }

    String protocol() {
        return engine.getSession().getProtocol();
    }

    /** RFC 5705/8446 keying material of this TLS session, no context (what openconnect's DTLS PSK is made from). */
    byte[] exportKeyingMaterial(String label, int length) throws Exception {
        return ((javax.net.ssl.ExtendedSSLSession) engine.getSession()).exportKeyingMaterialData(label, null, length);
    }

    private void handshake() throws IOException {
        engine.beginHandshake();
        while (true) {
            switch (engine.getHandshakeStatus()) {
                case NEED_WRAP -> wrap(ByteBuffer.allocate(0));
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> unwrapOne();
                case NEED_TASK -> {
                    Runnable task;
                    while ((task = engine.getDelegatedTask()) != null) {
                        task.run();
                    }
                }
                default -> {
                    return;
                }
            }
        }
    }

    void write(byte[] plaintext) throws IOException {
        wrap(ByteBuffer.wrap(plaintext));
    }

    void write(String text) throws IOException {
        write(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private void wrap(ByteBuffer source) throws IOException {
        do {
            netOut.clear();
            SSLEngineResult result = engine.wrap(source, netOut);
            if (result.getStatus() != SSLEngineResult.Status.OK && result.getStatus() != SSLEngineResult.Status.CLOSED) {
                throw new SSLException("wrap: " + result);
            }
            netOut.flip();
            while (netOut.hasRemaining()) {
                socket.write(netOut);
            }
        } while (source.hasRemaining());
    }

    /** Unwraps exactly one TLS record; returns its plaintext (possibly empty for handshake records). */
    private byte[] unwrapOne() throws IOException {
        while (netIn.remaining() < 5 || netIn.remaining() < 5 + (netIn.getShort(netIn.position() + 3) & 0xFFFF)) {
            fill();
        }
        int recordLength = 5 + (netIn.getShort(netIn.position() + 3) & 0xFFFF);
        ByteBuffer record = netIn.slice(netIn.position(), recordLength);
        appIn.clear();
        SSLEngineResult result = engine.unwrap(record, appIn);
        if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
            throw new EOFException("TLS close_notify");
        }
        if (result.getStatus() != SSLEngineResult.Status.OK || record.hasRemaining()) {
            throw new SSLException("unwrap of one record: " + result);
        }
        netIn.position(netIn.position() + recordLength);
        appIn.flip();
        byte[] plain = new byte[appIn.remaining()];
        appIn.get(plain);
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
        return plain;
    }

    private void fill() throws IOException {
        netIn.compact();
        // Through the socket adaptor's stream: a blocking SocketChannel.read ignores SO_TIMEOUT, this honours it, so a
        // gateway that never answers fails the test with "Read timed out" instead of hanging it.
        int n = 0;
        try {
            n = socket.socket().getInputStream()
                    .read(netIn.array(), netIn.arrayOffset() + netIn.position(), netIn.remaining());
        } finally {
            // also after "Read timed out", so that a test may expect silence and then read on
            if (n > 0) {
                netIn.position(netIn.position() + n);
            }
            netIn.flip();
        }
        if (n < 0) {
            throw new EOFException("connection closed by the gateway");
        }
    }

    /** The plaintext of the next TLS record that carries application data. */
    byte[] readRecord() throws IOException {
        while (true) {
            byte[] plain = unwrapOne();
            if (plain.length > 0) {
                return plain;
            }
        }
    }

    /**
     * Reads one HTTP response (status line, headers, Content-Length body) from however many records it spans;
     * a response without Content-Length is an {@link AssertionError}.
     */
    HttpReply readHttpResponse() throws IOException {
        return readHttpResponse(false);
    }

    /** @param toHead true for the answer to a HEAD request, which has a Content-Length but no body */
    HttpReply readHttpResponse(boolean toHead) throws IOException {
        while (true) {
            byte[] buffered = stream.toByteArray();
            String text = new String(buffered, StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            if (end >= 0) {
                HttpReply head = HttpReply.parseHead(text.substring(0, end));
                // Without one, an HTTP/1.1 body runs until the connection closes. The gateway promises a
                // Content-Length on every response but 200 CONNECTED (reference §9.1), so a missing one fails the test.
                int declared = head.contentLength().orElseThrow(() -> new AssertionError("no Content-Length: " + head));
                int length = toHead ? 0 : declared;
                if (buffered.length >= end + 4 + length) {
                    stream.reset();
                    stream.write(buffered, end + 4 + length, buffered.length - end - 4 - length);
                    return head.withBody(new String(Arrays.copyOfRange(buffered, end + 4, end + 4 + length), StandardCharsets.UTF_8));
                }
            }
            stream.write(readRecord());
        }
    }

    /**
     * The application records the gateway sends until it closes the connection (EOF or close_notify), in order:
     * what a test must see on the wire before the close, such as a server DISCONNECT.
     */
    List<byte[]> recordsUntilClosed() throws IOException {
        List<byte[]> records = new ArrayList<>();
        try {
            while (true) {
                records.add(readRecord());
            }
        } catch (EOFException e) {
            return records;
        }
    }

    /** True when the gateway closed the connection (EOF or close_notify) within the socket timeout. */
    boolean closedByPeer() {
        try {
            recordsUntilClosed();
            return true;
        } catch (IOException e) {
            return e.getMessage() != null && !e.getMessage().contains("timed out");
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
