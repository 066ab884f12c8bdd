package io.github.tunnelgw.core.dtls;

import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSRequest;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSVerifier;
import org.bouncycastle.tls.crypto.TlsCrypto;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Runs DTLS handshakes against the gateway's own server side, in memory, before the DTLS port opens.
 *
 * <p>Why: Bouncy Castle's handshake is Java code that only the JIT makes fast, and a gateway sees too few handshakes
 * to compile it soon. Measured with openconnect: 3.4–4.8 ms in {@code DTLSServerProtocol.accept} for the first few
 * dozen clients, 1–3 ms after 120, 0.3 ms after 1500, against 0.4 ms for ocserv's whole DTLS set-up. Every
 * client's first seconds of DTLS wait on that. The warm-up takes the same path as a client's handshake (cookie
 * exchange through {@link DTLSVerifier}, {@link OpenconnectPskServer} on a virtual thread, the record keys handed to
 * {@link GcmRecordLayer}) with a Bouncy Castle client offering openconnect's suites, and a random key that is
 * thrown away.
 */
final class DtlsHandshakeWarmup {
    private static final int DATAGRAM_LIMIT = 1500;
    private static final int WAIT_MILLIS = 5_000;
    private static final byte[] CLIENT_ID = {127, 0, 0, 1, 0, 1};

    /** What a warm-up did; {@code lastMicros} is the duration of its last server-side handshake. */
    record Result(int handshakes, long elapsedMillis, long lastMicros) {
    }

    private DtlsHandshakeWarmup() {
    }

    /**
     * Runs up to {@code handshakes} handshakes, stopping early once {@code budget} has passed.
     *
     * @throws IOException if a handshake fails: the server side is broken, and clients would fail the same way
     */
    static Result run(TlsCrypto crypto, AeadEngine records, int handshakes, Duration budget) throws IOException {
        DTLSVerifier verifier = new DTLSVerifier(crypto);
        SecureRandom random = new SecureRandom();
        long start = System.nanoTime();
        long deadline = start + budget.toNanos();
        int done = 0;
        long lastNanos = 0;
        while (done < handshakes && (done == 0 || System.nanoTime() < deadline)) {
            byte[] psk = new byte[PskNegotiation.PSK_LENGTH];
            random.nextBytes(psk);
            lastNanos = handshake(crypto, records, verifier, psk);
            done++;
        }
        return new Result(done, (System.nanoTime() - start) / 1_000_000, lastNanos / 1000);
    }

    /** One handshake; returns the server side's time from the verified ClientHello to its end. */
    private static long handshake(TlsCrypto crypto, AeadEngine records, DTLSVerifier verifier, byte[] psk)
            throws IOException {
        BlockingQueue<byte[]> toServer = new LinkedBlockingQueue<>();
        BlockingQueue<byte[]> toClient = new LinkedBlockingQueue<>();
        MemoryTransport serverEnd = new MemoryTransport(toServer, toClient);
        OpenconnectPskServer server = new OpenconnectPskServer(crypto, psk, records);
        FutureTask<Long> serverSide = new FutureTask<>(() -> {
            DTLSRequest request = null;
            while (request == null) {
                byte[] hello = serverEnd.take();
                request = verifier.verifyRequest(CLIENT_ID, hello, 0, hello.length, serverEnd);
            }
            long verified = System.nanoTime();
            new DTLSServerProtocol().accept(server, serverEnd, request).close();
            GcmRecordLayer layer = server.recordLayer();
            if (layer == null) {
                throw new IOException("the AES-GCM record layer was not set up");
            }
            layer.close();
            return System.nanoTime() - verified;
        });
        Thread serverThread = Thread.ofVirtual().name("dtls-warmup").start(serverSide);
        try {
            new DTLSClientProtocol().connect(new OpenconnectLikePskClient(crypto, psk),
                    new MemoryTransport(toClient, toServer)).close();
            return serverSide.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("DTLS warm-up interrupted");
        } catch (ExecutionException e) {
            throw new IOException("DTLS warm-up handshake failed: " + e.getCause(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException("DTLS warm-up handshake did not finish within " + WAIT_MILLIS + " ms");
        } finally {
            serverThread.interrupt();
        }
    }

    /** One end of an in-memory datagram link. */
    private static final class MemoryTransport extends QueueDatagramTransport {
        private final BlockingQueue<byte[]> out;

        MemoryTransport(BlockingQueue<byte[]> in, BlockingQueue<byte[]> out) {
            super(in, DATAGRAM_LIMIT);
            this.out = out;
        }

        byte[] take() throws IOException {
            byte[] datagram = poll(WAIT_MILLIS);
            if (datagram == null) {
                throw new SocketTimeoutException("no datagram within " + WAIT_MILLIS + " ms");
            }
            return datagram;
        }

        @Override
        public void send(byte[] buf, int off, int len) {
            out.add(Arrays.copyOfRange(buf, off, off + len));
        }
    }
}
