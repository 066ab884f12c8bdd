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
    private static final FastThreadLocal<ByteBuffer> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected ByteBuffer initialValue() {
            return ByteBuffer.allocateDirect(SCRATCH_BYTES);
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
    private ByteBuf batch;
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
     * The readable bytes of {@code datagram} as one datagram. The caller keeps the buffer: a native one is sent
     * from where it lies, or copied into the batch; any other is copied first.
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
        if (datagram.hasMemoryAddress()) {
            sendToAddress(datagram.memoryAddress(), datagram.readerIndex(), datagram.writerIndex(), peer);
            return;
        }
        if (!FastThreadLocalThread.currentThreadHasFastThreadLocal()) {
            sendFromOtherThread(datagram, peer);
            return;
        }
        ByteBuffer scratch = SCRATCH.get();
        scratch.clear().limit(length);
        datagram.getBytes(datagram.readerIndex(), scratch);
        sendTo(scratch, 0, length, peer);
    }

    /**
     * A DTLS handshake's virtual thread: a pooled buffer per datagram instead of a scratch buffer per thread, since
     * each handshake has a thread of its own (two or three flights each).
     */
    private void sendFromOtherThread(ByteBuf datagram, InetSocketAddress peer) {
        int length = datagram.readableBytes();
        ByteBuf copy = channel.alloc().directBuffer(length, length);
        try {
            copy.writeBytes(datagram, datagram.readerIndex(), length);
            ByteBuffer memory = copy.internalNioBuffer(0, length);
            sendTo(memory, memory.position(), memory.limit(), peer);
        } finally {
            copy.release();
        }
    }

    private void sendTo(ByteBuffer memory, int position, int limit, InetSocketAddress peer) {
        try {
            if (socket.sendTo(memory, position, limit, peer.getAddress(), peer.getPort()) == 0) {
                congestionDropped.increment();
            }
        } catch (IOException e) {
            // UDP: unreachable peers and closed sockets lose the datagram; the liveness tick sorts the peer out
            sendErrors.increment();
        }
    }

    private void sendToAddress(long memoryAddress, int position, int limit, InetSocketAddress peer) {
        try {
            if (socket.sendToAddress(memoryAddress, position, limit, peer.getAddress(), peer.getPort()) == 0) {
                congestionDropped.increment();
            }
        } catch (IOException e) {
            sendErrors.increment();
        }
    }

    private void gather(ByteBuf datagram, InetSocketAddress peer) {
        int length = datagram.readableBytes();
        if (segments > 0 && (batchClosed || length > segmentSize || !peer.equals(batchPeer)
                || segments == MAX_SEGMENTS || batch.writerIndex() + length > MAX_BATCH_BYTES)) {
            flushBatch();
        }
        if (segments == 0) {
            batch = channel.alloc().directBuffer(MAX_BATCH_BYTES, MAX_BATCH_BYTES);
            batchPeer = peer;
            segmentSize = length;
            batchClosed = false;
        }
        batch.writeBytes(datagram, datagram.readerIndex(), length);
        segments++;
        batchClosed = length < segmentSize;
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
            if (out.hasMemoryAddress()) {
                sendToAddress(out.memoryAddress(), out.readerIndex(), out.writerIndex(), batchPeer);
            } else {
                ByteBuffer nio = out.internalNioBuffer(out.readerIndex(), out.readableBytes());
                sendTo(nio, nio.position(), nio.limit(), batchPeer);
            }
        } finally {
            out.release();
        }
    }
}
