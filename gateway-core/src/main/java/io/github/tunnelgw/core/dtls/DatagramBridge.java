package io.github.tunnelgw.core.dtls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import org.bouncycastle.tls.DTLSRequest;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.TlsServer;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Bouncy Castle's blocking {@link DatagramTransport} over the shared Netty UDP channel, for one peer.
 *
 * <p>While the handshake runs (on its own virtual thread) datagrams are queued by the event loop and taken with a
 * wait. Afterwards the event loop hands each datagram in directly and calls BC's receive at once; when BC asks for
 * another datagram there is none, and {@link #NO_MORE} (an {@link InterruptedIOException}, which BC passes through
 * without failing the connection) ends BC's receive loop instead of letting it spin until its timeout.
 *
 * <p>Everything leaves through {@link SocketSender} on the sending thread itself: the handshake's flights from its
 * virtual thread, without a hop to the event loop, and once direct the records, so that the downlink does not hop
 * to the event loop for every packet.
 */
final class DatagramBridge implements DatagramTransport {
    /** Thrown by receive in direct mode once the datagram handed in has been taken. */
    static final InterruptedIOException NO_MORE = new NoMoreDatagrams();
    private static final int HANDSHAKE_QUEUE = 16;

    private final Channel channel;
    private final SocketSender socket;
    private final int receiveLimit;
    private final int sendLimit;
    private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(HANDSHAKE_QUEUE);
    private volatile InetSocketAddress peer;
    private volatile boolean closed;
    private volatile boolean direct;
    // Direct mode, event loop only.
    private byte[] handedIn;
    private int handedInLength;
    /**
     * The records of one handshake flight, sent as one datagram as GnuTLS and ocserv do: Bouncy Castle hands each record
     * over on its own, and an openconnect client that got our final flight as two datagrams (ChangeCipherSpec, then
     * Finished) sometimes never completed (caught in a capture: no retransmission either, DTLS given up after 12 s).
     * Written by the handshake thread, or by the event loop while it lets Bouncy Castle answer a retransmission.
     */
    private final byte[] flight;
    private int flightLength;
    private boolean gathering;

    DatagramBridge(Channel channel, SocketSender socket, InetSocketAddress peer, int receiveLimit, int sendLimit) {
        this.channel = channel;
        this.socket = socket;
        this.peer = peer;
        this.receiveLimit = receiveLimit;
        this.sendLimit = sendLimit;
        this.flight = new byte[sendLimit];
    }

    InetSocketAddress peer() {
        return peer;
    }

    void rebind(InetSocketAddress newPeer) {
        peer = newPeer;
    }

    /** Handshake mode: queue a copy of the datagram for the handshake thread; false if the queue is full. */
    boolean offer(ByteBuf datagram) {
        byte[] copy = new byte[datagram.readableBytes()];
        datagram.getBytes(datagram.readerIndex(), copy);
        return queue.offer(copy);
    }

    /**
     * Runs Bouncy Castle's server handshake over this bridge, on the calling (handshake) thread. Bouncy Castle does not
     * wait for the peer after its last flight (our Finished, or an alert), so that flight leaves here.
     *
     * @param request the ClientHello that passed the cookie exchange, or null if the ClientHello needed none and is
     *                queued on this bridge (Bouncy Castle 1.84 then reads it first and answers it with its ServerHello)
     */
    DTLSTransport accept(TlsServer server, DTLSRequest request) throws IOException {
        try {
            return new DTLSServerProtocol().accept(server, this, request);
        } finally {
            flushFlight();
        }
    }

    /** Switches to direct mode; returns the datagrams still queued from the handshake phase, oldest first. */
    byte[][] goDirect() {
        direct = true;
        return queue.toArray(new byte[0][]);
    }

    /** Direct mode: the next receive returns {@code length} bytes of {@code datagram} (not copied). */
    void handIn(byte[] datagram, int length) {
        handedIn = datagram;
        handedInLength = length;
    }

    @Override
    public int getReceiveLimit() {
        return receiveLimit;
    }

    @Override
    public int getSendLimit() {
        return sendLimit;
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        if (closed) {
            throw new IOException("DTLS transport closed");
        }
        if (direct) {
            byte[] datagram = handedIn;
            if (datagram == null) {
                throw NO_MORE;
            }
            handedIn = null;
            int n = Math.min(handedInLength, len);
            System.arraycopy(datagram, 0, buf, off, n);
            return n;
        }
        flushFlight(); // Bouncy Castle waits for the peer: what it sent so far is the whole flight
        byte[] datagram;
        try {
            datagram = queue.poll(waitMillis == 0 ? Long.MAX_VALUE : waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("DTLS handshake interrupted");
        }
        if (closed) {
            throw new IOException("DTLS transport closed");
        }
        return QueueDatagramTransport.copyOut(datagram, buf, off, len);
    }

    @Override
    public void send(byte[] buf, int off, int len) {
        if (closed || !channel.isActive()) {
            return; // UDP: a datagram that cannot leave is simply lost
        }
        if (direct && !gathering) {
            socket.send(buf, off, len, peer);
            return;
        }
        if (flightLength + len > flight.length) {
            flushFlight();
        }
        if (len > flight.length) {
            emit(buf, off, len);
            return;
        }
        System.arraycopy(buf, off, flight, flightLength, len);
        flightLength += len;
    }

    /**
     * A record sealed by {@link GcmRecordLayer}, from the sending thread, as a datagram of its own (never part of a
     * handshake flight). The caller keeps the buffer.
     */
    void sendRecord(ByteBuf record) {
        if (closed || !channel.isActive()) {
            return;
        }
        socket.send(record, peer);
    }

    /** Direct mode, event loop: what Bouncy Castle sends until {@link #endFlight()} leaves as one datagram. */
    void beginFlight() {
        gathering = true;
    }

    void endFlight() {
        gathering = false;
        flushFlight();
    }

    /** Sends the gathered records of the current flight, if any, as one datagram. */
    void flushFlight() {
        if (flightLength > 0) {
            emit(flight, 0, flightLength);
            flightLength = 0;
        }
    }

    /**
     * Straight onto the socket from the calling thread, the handshake's as well: through {@code channel.writeAndFlush}
     * each of the handshake's flights waited for the event loop to wake up and send it.
     */
    private void emit(byte[] buf, int off, int len) {
        socket.send(buf, off, len, peer);
    }

    @Override
    public void close() {
        closed = true;
        queue.clear();
    }

    private static final class NoMoreDatagrams extends InterruptedIOException {
        NoMoreDatagrams() {
            super("no further datagram");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
