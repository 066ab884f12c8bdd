package io.github.tunnelgw.core.dtls;

import org.bouncycastle.tls.DatagramTransport;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The receiving half of an in-memory Bouncy Castle datagram transport: datagrams arrive in a queue. For driving the
 * gateway's DTLS server side without a socket (the handshake warm-up, the JMH benchmarks); subclasses decide where
 * sent datagrams go.
 */
abstract class QueueDatagramTransport implements DatagramTransport {
    private final BlockingQueue<byte[]> in;
    private final int limit;

    QueueDatagramTransport(BlockingQueue<byte[]> in, int limit) {
        this.in = in;
        this.limit = limit;
    }

    /** The next datagram within {@code waitMillis}, or null. */
    final byte[] poll(int waitMillis) throws InterruptedIOException {
        try {
            return in.poll(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("in-memory DTLS transport interrupted");
        }
    }

    @Override
    public final int getReceiveLimit() {
        return limit;
    }

    @Override
    public final int getSendLimit() {
        return limit;
    }

    /** Bouncy Castle takes the time-out as "no datagram yet" and retransmits or waits on. */
    @Override
    public final int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        return copyOut(poll(waitMillis), buf, off, len);
    }

    /** Bouncy Castle's receive contract: the datagram (cut to {@code len}) into {@code buf}, a time-out when none. */
    static int copyOut(byte[] datagram, byte[] buf, int off, int len) throws SocketTimeoutException {
        if (datagram == null) {
            throw new SocketTimeoutException();
        }
        int n = Math.min(datagram.length, len);
        System.arraycopy(datagram, 0, buf, off, n);
        return n;
    }

    @Override
    public void close() {
    }
}
