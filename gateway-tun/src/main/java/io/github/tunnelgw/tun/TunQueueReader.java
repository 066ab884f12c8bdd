package io.github.tunnelgw.tun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.internal.OutOfDirectMemoryError;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Reads one tun queue on a Netty epoll event loop and hands each packet to a sink, on that loop's thread.
 *
 * <p>Why on an event loop rather than a thread of its own: a reply to a packet the loop has just written to the
 * tun device (a ping, a DNS answer, a TCP ACK from a host next to the gateway) is usually queued on the device
 * before that write returns, so the loop finds it on its next {@code epoll_wait} without sleeping; a separate
 * reader thread has to be woken for it. Both directions of a DTLS session then run on one thread, as in ocserv's
 * worker: in back-to-back runs DTLS downloads went ~30 % faster at ~10 % less CPU per packet than with a reader
 * thread per queue (docs/benchmarks.md). The loop's thread is also a {@code FastThreadLocalThread}, so pooled
 * buffers are recycled rather than allocated.
 *
 * <pre>
 * Flow, on each readable event of the queue (level-triggered):
 *   1. Read one packet into the reader's own buffer (64 KB when the queue has offloads, else maxPacket). Nothing
 *      ready (EAGAIN): return to the loop.
 *   2. A TCP super-packet (the queue's virtio header says GSO): cut it into segments ({@link TcpSegmentation}). A
 *      packet whose checksum the kernel left partial: fill it in. Any other GSO type: drop and count an error.
 *   3. Copy each packet or segment into a pooled direct buffer of its own size plus headroom and tailroom, reader
 *      and writer index at headroom, so the sink can frame it where it lies (CSTP prepends 8 bytes; DTLS prepends
 *      its record header and appends the tag, encrypting in place) without another copy, and hand it to the sink,
 *      which owns it from then on. (The copy is what keeps a 64 KB read buffer from being pinned by every
 *      packet queued towards a slow client.)
 *   4. Back to 1, at most {@link #BUDGET} reads per event, so one busy queue cannot starve the loop's sockets;
 *      epoll reports the queue again on the next pass while packets remain. A pass that follows the previous one
 *      by a millisecond or more stops after its first packet instead ({@link ReadPacing}): far-apart packets are
 *      read without the read that finds the queue empty.
 * On a read error: count it, stop watching the queue for {@link #BACK_OFF_MILLIS} (a persistent error must not
 * become a busy loop) unless the queue was closed, in which case the registration ends.
 * </pre>
 *
 * The sink runs on the event loop and must not block or throw; a throwing sink is counted as an error and the buffer
 * is left to it, since it may already have released or passed it on.
 */
public final class TunQueueReader implements EpollIoHandle, AutoCloseable {
    /** Packets read per readable event before the loop gets to its other channels and tasks. */
    static final int BUDGET = 64;
    static final long BACK_OFF_MILLIS = 100;

    private final TunQueue queue;
    private final ByteBufAllocator alloc;
    private final int headroom;
    private final int tailroom;
    private final Consumer<ByteBuf> sink;
    private final Pass pass;
    private final ReadPacing pacing;
    private final ByteBuf readBuffer;
    /** readBuffer's memory as NIO, same indices: payload checksums read it without a view object per packet. */
    private final ByteBuffer readBytes;
    private final LongAdder packets = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private volatile IoEventLoop loop;
    private volatile IoRegistration registration;
    private volatile boolean closed;

    /**
     * @param headroom  bytes left free in front of each packet (readerIndex == headroom)
     * @param maxPacket the largest packet expected from a queue without offloads, at least the link MTU; longer ones
     *                  are cut by the kernel (a queue with offloads reads up to 64 KB)
     * @param sink      receives each packet, on the event loop, and owns (releases) it
     */
    public TunQueueReader(TunQueue queue, ByteBufAllocator alloc, int headroom, int maxPacket, Consumer<ByteBuf> sink) {
        this(queue, alloc, headroom, maxPacket, sink, Pass.NONE);
    }

    /** @param pass told when each pass over the queue begins and ends (see {@link Pass}) */
    public TunQueueReader(TunQueue queue, ByteBufAllocator alloc, int headroom, int maxPacket, Consumer<ByteBuf> sink,
                          Pass pass) {
        this(queue, alloc, headroom, 0, maxPacket, sink, pass);
    }

    /** @param tailroom bytes left free behind each packet (its buffer's capacity), for a trailer such as a tag */
    public TunQueueReader(TunQueue queue, ByteBufAllocator alloc, int headroom, int tailroom, int maxPacket,
                          Consumer<ByteBuf> sink, Pass pass) {
        this(queue, alloc, headroom, tailroom, maxPacket, sink, pass, ReadPacing.systemClock());
    }

    TunQueueReader(TunQueue queue, ByteBufAllocator alloc, int headroom, int maxPacket, Consumer<ByteBuf> sink,
                   Pass pass, ReadPacing pacing) {
        this(queue, alloc, headroom, 0, maxPacket, sink, pass, pacing);
    }

    TunQueueReader(TunQueue queue, ByteBufAllocator alloc, int headroom, int tailroom, int maxPacket,
                   Consumer<ByteBuf> sink, Pass pass, ReadPacing pacing) {
        this.pacing = Objects.requireNonNull(pacing, "pacing");
        this.queue = Objects.requireNonNull(queue, "queue");
        this.alloc = Objects.requireNonNull(alloc, "alloc");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.pass = Objects.requireNonNull(pass, "pass");
        if (headroom < 0 || headroom > 1024) {
            throw new IllegalArgumentException("headroom must be 0..1024 bytes, got " + headroom);
        }
        if (tailroom < 0 || tailroom > 1024) {
            throw new IllegalArgumentException("tailroom must be 0..1024 bytes, got " + tailroom);
        }
        if (maxPacket < 1 || maxPacket > TunQueue.MAX_PACKET) {
            throw new IllegalArgumentException("maxPacket must be 1.." + TunQueue.MAX_PACKET + " bytes, got " + maxPacket);
        }
        this.headroom = headroom;
        this.tailroom = tailroom;
        // With offloads a read may be a 64 KB super-packet. Plain JDK memory: freed by the GC with the reader, so
        // close() needs no hand-off to the event loop that may still be reading into it.
        int readLimit = queue.readHeadroom() > 0 ? TunQueue.MAX_PACKET : maxPacket;
        this.readBytes = ByteBuffer.allocateDirect(queue.readHeadroom() + readLimit);
        this.readBuffer = Unpooled.wrappedBuffer(readBytes.duplicate());
    }

    /** Registers the queue with an epoll event loop and starts reading; waits until it is registered. */
    public void start(IoEventLoop loop) throws IOException {
        try {
            this.loop = loop;
            IoRegistration registered = loop.register(this).sync().getNow();
            registration = registered;
            loop.execute(() -> watch(registered));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while registering " + queue, e);
        } catch (RuntimeException e) {
            throw new IOException("cannot register " + queue + " with the event loop: " + e.getMessage(), e);
        }
    }

    @Override
    public FileDescriptor fd() {
        return queue.fileDescriptor();
    }

    /**
     * Brackets each pass over the queue (up to {@link #BUDGET} packets), on the event loop, so that the sink can
     * gather what it sends for those packets and hand it to the kernel once, at the end. Must not throw.
     */
    public interface Pass {
        Pass NONE = new Pass() {
            @Override
            public void begin() {
            }

            @Override
            public void end() {
            }
        };

        void begin();

        void end();
    }

    @Override
    public void handle(IoRegistration registration, IoEvent event) {
        pass.begin();
        try {
            readPass(registration);
        } finally {
            pass.end();
        }
    }

    private void readPass(IoRegistration registration) {
        int readAt = queue.readHeadroom();
        int limit = pacing.drainThisPass() ? BUDGET : 1;
        for (int i = 0; i < limit && !closed; i++) {
            int n;
            try {
                readBuffer.setIndex(readAt, readAt);
                n = queue.read(readBuffer);
            } catch (IOException | RuntimeException e) {
                backOff(registration);
                return;
            }
            if (n == 0) {
                return;
            }
            packets.increment();
            bytes.add(n);
            try {
                deliver(readBuffer, readAt);
            } catch (RuntimeException | OutOfDirectMemoryError e) {
                errors.increment();
            }
        }
    }

    private void deliver(ByteBuf packet, int readAt) {
        if (readAt > 0) {
            int header = readAt - VirtioNetHeader.LENGTH;
            int gsoType = VirtioNetHeader.gsoType(packet, header);
            if (gsoType == VirtioNetHeader.GSO_TCPV4) {
                if (TcpSegmentation.split(packet, readBytes, VirtioNetHeader.gsoSize(packet, header), alloc, headroom,
                        tailroom, sink) == 0) {
                    errors.increment();
                }
                return;
            }
            if (gsoType != VirtioNetHeader.GSO_NONE) {
                errors.increment(); // a kind of offload the queue did not ask for
                return;
            }
            if ((VirtioNetHeader.flags(packet, header) & VirtioNetHeader.F_NEEDS_CSUM) != 0
                    && !TcpSegmentation.completeChecksum(packet, readBytes, VirtioNetHeader.checksumStart(packet, header),
                            VirtioNetHeader.checksumOffset(packet, header))) {
                errors.increment();
                return;
            }
        }
        int length = packet.readableBytes();
        int capacity = headroom + length + tailroom;
        ByteBuf copy = alloc.directBuffer(capacity, capacity);
        copy.setIndex(headroom, headroom).writeBytes(packet, packet.readerIndex(), length);
        sink.accept(copy);
    }

    private void watch(IoRegistration registration) {
        if (closed || !registration.isValid()) {
            return;
        }
        try {
            registration.submit(EpollIoOps.EPOLLIN);
        } catch (RuntimeException e) {
            errors.increment();
        }
    }

    private void backOff(IoRegistration registration) {
        if (queue.isClosed()) {
            registration.cancel();
            return;
        }
        errors.increment();
        try {
            registration.submit(EpollIoOps.NONE);
        } catch (RuntimeException e) {
            registration.cancel();
            return;
        }
        loop.schedule(() -> watch(registration), BACK_OFF_MILLIS, TimeUnit.MILLISECONDS);
    }

    public long packets() {
        return packets.sum();
    }

    public long bytes() {
        return bytes.sum();
    }

    /** Read and allocation errors, and sink exceptions. */
    public long errors() {
        return errors.sum();
    }

    /** Whether the queue is registered with an event loop and watched (false before start and after close). */
    public boolean isReading() {
        IoRegistration current = registration;
        return current != null && current.isValid() && !closed;
    }

    /** Stops reading; the queue itself stays open (its device owns it). Idempotent, from any thread. */
    @Override
    public void close() {
        closed = true;
        IoRegistration current = registration;
        if (current != null) {
            try {
                current.cancel();
            } catch (RejectedExecutionException stopped) {
                // The event loop has stopped, and its epoll descriptor, which held the registration, is gone with it.
            }
        }
    }

    @Override
    public String toString() {
        return "reader of " + queue;
    }
}
