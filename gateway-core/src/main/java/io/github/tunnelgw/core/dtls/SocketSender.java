package io.github.tunnelgw.core.dtls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.netty.channel.unix.Socket;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.FastThreadLocalThread;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sends datagrams on the DTLS listener's own socket straight from the calling thread: the DTLS event loop, which
 * also reads the tun queues and encrypts the downlink. {@code channel.writeAndFlush} would cost a buffer, a
 * {@code DatagramPacket} and a pipeline pass per packet (and, from any other thread, a task hand-off and an eventfd
 * wake-up); a UDP {@code sendto} is atomic in the kernel, so any thread may call it on the socket alongside the
 * event loop.
 *
 * <p>Between {@link #beginBatch()} and {@link #endBatch()} (one pass over the tun queues) the event loop's datagrams
 * are gathered instead: a run of equally long datagrams to one peer (a TCP download is a run of full-size records)
 * leaves as one {@code UDP_SEGMENT} send, so the kernel routes and filters it once and cuts it into datagrams at the
 * last moment. Up to {@value #MAX_SEGMENTS} datagrams and {@value #MAX_BATCH_BYTES} bytes go in one send; another
 * peer, a longer datagram, or anything after a shorter one (which must be the last) starts the next.
 *
 * <p>A full socket buffer (EAGAIN) drops the datagram and counts it as congestion, as a router queue would.
 */
final class SocketSender {
    /** Room for the largest datagram a link MTU of 9000 allows; each sending thread has one. */
    private static final int SCRATCH_BYTES = 9000;
    static final int MAX_SEGMENTS = 64;
    static final int MAX_BATCH_BYTES = 65_000;
    private static final FastThreadLocal<ByteBuf> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected ByteBuf initialValue() {
            return Unpooled.directBuffer(SCRATCH_BYTES, SCRATCH_BYTES);
        }
    };

    private final Channel channel;
    private final Socket socket;
    private final boolean segmentation;
    private final LongAdder congestionDropped;
    private final LongAdder sendErrors;
    private final LongAdder segmentedSends;

    // Event loop only.
    private boolean batching;
    /** The gathered datagrams; or, while {@link #held}, the first one itself (a retained slice of the caller's). */
    private ByteBuf batch;
    private boolean held;
    private InetSocketAddress batchPeer;
    private int segmentSize;
    private int segments;
    private boolean batchClosed;

    private SocketSender(Channel channel, Socket socket, boolean segmentation, LongAdder congestionDropped,
                         LongAdder sendErrors, LongAdder segmentedSends) {
        this.channel = channel;
        this.socket = socket;
        this.segmentation = segmentation;
        this.congestionDropped = congestionDropped;
        this.sendErrors = sendErrors;
        this.segmentedSends = segmentedSends;
    }

    /** @param segmentedSends counts the sends that carried two or more datagrams */
    static SocketSender of(Channel channel, LongAdder congestionDropped, LongAdder sendErrors,
                           LongAdder segmentedSends) {
        return new SocketSender(channel, (Socket) ((EpollDatagramChannel) channel).fd(),
                SegmentedDatagramPacket.isSupported(), congestionDropped, sendErrors, segmentedSends);
    }

    /** On the event loop: gather the datagrams sent from here on, until {@link #endBatch()}. */
    void beginBatch() {
        if (segmentation && channel.eventLoop().inEventLoop()) {
            batching = true;
        }
    }

    /** On the event loop: send what was gathered. */
    void endBatch() {
        batching = false;
        flushBatch();
    }

    /** A datagram in an array (a handshake flight, from Bouncy Castle), which the caller may reuse at once. */
    void send(byte[] datagram, int offset, int length, InetSocketAddress peer) {
        send(Unpooled.wrappedBuffer(datagram, offset, length), peer);
    }

    /**
     * The readable bytes of {@code datagram} as one datagram. The caller keeps its reference: a direct buffer is
     * sent from where it lies, and while a batch is gathered it may be held (retained) until the batch ends, so the
     * caller must not write into it after this call; a heap buffer is copied into native memory.
     */
    void send(ByteBuf datagram, InetSocketAddress peer) {
        int length = datagram.readableBytes();
        if (length > SCRATCH_BYTES) {
            sendErrors.increment();
            return;
        }
        if (batching && channel.eventLoop().inEventLoop()) {
            gather(datagram, peer);
            return;
        }
        if (datagram.isDirect()) {
            sendOut(datagram, peer);
            return;
        }
        if (!FastThreadLocalThread.currentThreadHasFastThreadLocal()) {
            sendFromOtherThread(datagram, peer);
            return;
        }
        ByteBuf scratch = SCRATCH.get();
        sendOut(scratch.setIndex(0, 0).writeBytes(datagram, datagram.readerIndex(), length), peer);
    }

    /**
     * A DTLS handshake's virtual thread: a pooled buffer per datagram instead of a scratch buffer per thread, since
     * each handshake has a thread of its own (two or three flights each).
     */
    private void sendFromOtherThread(ByteBuf datagram, InetSocketAddress peer) {
        int length = datagram.readableBytes();
        ByteBuf copy = channel.alloc().directBuffer(length, length);
        try {
            sendOut(copy.writeBytes(datagram, datagram.readerIndex(), length), peer);
        } finally {
            copy.release();
        }
    }

    /** One {@code sendto} of the readable bytes of a direct buffer, from where they lie. */
    private void sendOut(ByteBuf out, InetSocketAddress peer) {
        try {
            int sent;
            if (out.hasMemoryAddress()) {
                sent = socket.sendToAddress(out.memoryAddress(), out.readerIndex(), out.writerIndex(),
                        peer.getAddress(), peer.getPort());
            } else {
                ByteBuffer nio = out.internalNioBuffer(out.readerIndex(), out.readableBytes());
                sent = socket.sendTo(nio, nio.position(), nio.limit(), peer.getAddress(), peer.getPort());
            }
            if (sent == 0) {
                congestionDropped.increment();
            }
        } catch (IOException e) {
            // UDP: unreachable peers and closed sockets lose the datagram; the liveness tick sorts the peer out
            sendErrors.increment();
        }
    }

    private void gather(ByteBuf datagram, InetSocketAddress peer) {
        int length = datagram.readableBytes();
        if (segments > 0 && (batchClosed || length > segmentSize || !peer.equals(batchPeer)
                || segments == MAX_SEGMENTS || batch.readableBytes() + length > MAX_BATCH_BYTES)) {
            flushBatch();
        }
        if (segments == 0) {
            batchPeer = peer;
            segmentSize = length;
            batchClosed = false;
            // A direct datagram is held where it lies until a second one joins it: one alone in its pass (a ping, a
            // lone ACK) then leaves without a batch buffer or a copy.
            held = datagram.isDirect();
            batch = held ? datagram.retainedSlice() : newBatch().writeBytes(datagram, datagram.readerIndex(), length);
        } else {
            if (held) {
                ByteBuf first = batch;
                batch = newBatch().writeBytes(first);
                first.release();
                held = false;
            }
            batch.writeBytes(datagram, datagram.readerIndex(), length);
        }
        segments++;
        batchClosed = length < segmentSize;
    }

    private ByteBuf newBatch() {
        return channel.alloc().directBuffer(MAX_BATCH_BYTES, MAX_BATCH_BYTES);
    }

    private void flushBatch() {
        if (segments == 0) {
            return;
        }
        ByteBuf out = batch;
        int count = segments;
        batch = null;
        segments = 0;
        if (count == 1) {
            sendNow(out);
            return;
        }
        if (!channel.isWritable()) {
            // What Netty could not send yet is still queued: a full socket buffer, so drop as sendTo would.
            congestionDropped.add(count);
            out.release();
            return;
        }
        segmentedSends.increment();
        channel.writeAndFlush(new SegmentedDatagramPacket(out, segmentSize, batchPeer), channel.voidPromise());
    }

    private void sendNow(ByteBuf out) {
        try {
            sendOut(out, batchPeer);
        } finally {
            out.release();
        }
    }
}
