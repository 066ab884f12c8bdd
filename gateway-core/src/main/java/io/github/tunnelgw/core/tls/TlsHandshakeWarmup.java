package io.github.tunnelgw.core.tls;

import io.github.tunnelgw.core.dtls.PskNegotiation;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;

/**
 * Runs TLS 1.3 handshakes against the gateway's own server context, in memory, before the control port opens.
 *
 * <p>Why: the JDK's TLS and its elliptic-curve arithmetic are Java code that only the JIT makes fast; until it has
 * compiled them, each client's handshake costs several times what it costs later, and the first clients after a
 * restart connect about twice as slowly as the ones after them. Each round trip here is the server side of a real
 * login's TLS: the full handshake with the configured certificate, one request and one response record, and the
 * exporter value the DTLS key comes from. The client side trusts exactly the gateway's own certificate.
 */
public final class TlsHandshakeWarmup {
    private static final int MAX_STEPS = 200;
    private static final byte[] REQUEST = "GET / HTTP/1.1\r\nHost: warmup\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RESPONSE = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** What a warm-up did; {@code lastMicros} is the duration of its last handshake and exchange. */
    public record Result(int handshakes, long elapsedMillis, long lastMicros) {
    }

    private final SslContext server;
    private final SSLContext client;

    private TlsHandshakeWarmup(SslContext server, SSLContext client) {
        this.server = server;
        this.client = client;
    }

    /**
     * Runs up to {@code handshakes} handshakes, stopping early once {@code budget} has passed.
     *
     * @throws SSLException if a handshake fails: clients would fail the same way
     */
    public static Result run(SslContext server, X509Certificate serverCertificate, int handshakes, Duration budget)
            throws SSLException {
        TlsHandshakeWarmup warmup = new TlsHandshakeWarmup(server, clientTrusting(serverCertificate));
        long start = System.nanoTime();
        long deadline = start + budget.toNanos();
        int done = 0;
        long lastNanos = 0;
        while (done < handshakes && (done == 0 || System.nanoTime() < deadline)) {
            long began = System.nanoTime();
            warmup.roundTrip();
            lastNanos = System.nanoTime() - began;
            done++;
        }
        return new Result(done, (System.nanoTime() - start) / 1_000_000, lastNanos / 1000);
    }

    private static SSLContext clientTrusting(X509Certificate certificate) throws SSLException {
        try {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            trusted.setCertificateEntry("gateway", certificate);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLSv1.3");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new SSLException("cannot set up the TLS warm-up client: " + e.getMessage(), e);
        }
    }

    private void roundTrip() throws SSLException {
        SSLEngine serverEngine = server.newEngine(ByteBufAllocator.DEFAULT);
        SSLEngine clientEngine = client.createSSLEngine("warmup", 443);
        clientEngine.setUseClientMode(true);
        int packet = Math.max(serverEngine.getSession().getPacketBufferSize(), clientEngine.getSession().getPacketBufferSize());
        int application = Math.max(serverEngine.getSession().getApplicationBufferSize(),
                clientEngine.getSession().getApplicationBufferSize());
        Link toServer = new Link(packet, application);
        Link toClient = new Link(packet, application);
        clientEngine.beginHandshake();
        serverEngine.beginHandshake();
        send(clientEngine, REQUEST, toServer, toClient, serverEngine);
        receive(serverEngine, REQUEST.length, toServer, toClient, clientEngine);
        ((ExtendedSSLSession) serverEngine.getSession()).exportKeyingMaterialData(PskNegotiation.EXPORTER_LABEL, null,
                PskNegotiation.PSK_LENGTH);
        send(serverEngine, RESPONSE, toClient, toServer, clientEngine);
        receive(clientEngine, RESPONSE.length, toClient, toServer, serverEngine);
    }

    /** Drives both engines until {@code from} has sealed {@code data} into {@code out}. */
    private static void send(SSLEngine from, byte[] data, Link out, Link in, SSLEngine peer) throws SSLException {
        ByteBuffer plain = ByteBuffer.wrap(data);
        for (int step = 0; plain.hasRemaining(); step++) {
            checkSteps(step);
            advance(from, out, in);
            advance(peer, in, out);
            if (from.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING) {
                check(from.wrap(plain, out.network));
            }
        }
    }

    /** Drives both engines until {@code to} has opened {@code length} bytes of application data. */
    private static void receive(SSLEngine to, int length, Link in, Link out, SSLEngine peer) throws SSLException {
        for (int step = 0; in.application.position() < length; step++) {
            checkSteps(step);
            advance(peer, in, out);
            in.network.flip();
            SSLEngineResult result = to.unwrap(in.network, in.application);
            in.network.compact();
            check(result);
            advance(to, out, in);
        }
    }

    /** One handshake step of {@code engine}: run its tasks, wrap into {@code out}, or unwrap from {@code in}. */
    private static void advance(SSLEngine engine, Link out, Link in) throws SSLException {
        switch (engine.getHandshakeStatus()) {
            case NEED_TASK -> {
                for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
                    task.run();
                }
            }
            case NEED_WRAP -> check(engine.wrap(ByteBuffer.allocate(0), out.network));
            case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                in.network.flip();
                SSLEngineResult result = engine.unwrap(in.network, in.application);
                in.network.compact();
                if (result.getStatus() != SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                    check(result);
                }
            }
            default -> {
                // finished or not handshaking: nothing to do for the handshake
            }
        }
    }

    private static void check(SSLEngineResult result) throws SSLException {
        if (result.getStatus() == SSLEngineResult.Status.CLOSED
                || result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
            throw new SSLException("TLS warm-up: " + result);
        }
    }

    private static void checkSteps(int step) throws SSLException {
        if (step > MAX_STEPS) {
            throw new SSLException("TLS warm-up: the handshake made no progress in " + MAX_STEPS + " steps");
        }
    }

    /** One direction of the in-memory connection: TLS records in flight, and what the receiver opened from them. */
    private static final class Link {
        final ByteBuffer network;
        final ByteBuffer application;

        Link(int packet, int application) {
            this.network = ByteBuffer.allocate(packet * 4);
            this.application = ByteBuffer.allocate(application * 2);
        }
    }
}
