package io.github.tunnelgw.tun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.internal.OutOfDirectMemoryError;

import java.io.IOException;
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
 *   1. Allocate a direct buffer of headroom + maxPacket bytes from the pooled allocator, reader and writer index at
 *      headroom, so the sink can prepend its header (CSTP: 8 bytes) without copying the packet. The queue's
 *      virtio header lands in that headroom too, just before the packet, and is overwritten by the sink's.
 *   2. Read one packet into it. Nothing ready (EAGAIN): release the buffer and return to the loop.
 *   3. Count the packet and its bytes and hand the buffer to the sink, which owns it from then on.
 *   4. Back to 1, at most {@link #BUDGET} packets per event, so one busy queue cannot starve the loop's sockets;
 *      epoll reports the queue again on the next pass while packets remain.
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
    private final int maxPacket;
    private final Consumer<ByteBuf> sink;
    private final Pass pass;
    private final LongAdder packets = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private volatile IoEventLoop loop;
    private volatile IoRegistration registration;
    private volatile boolean closed;

    /**
     * @param headroom  bytes left free in front of each packet (readerIndex == headroom)
     * @param maxPacket the largest packet expected, at least the link MTU; longer ones are cut by the kernel
     * @param sink      receives each packet, on the event loop, and owns (releases) it
     */
    public TunQueueReader(TunQueue queue, ByteBufAllocator alloc, int headroom, int maxPacket, Consumer<ByteBuf> sink) {
        this(queue, alloc, headroom, maxPacket, sink, Pass.NONE);
    }

    /** @param pass told when each pass over the queue begins and ends (see {@link Pass}) */
    public TunQueueReader(TunQueue queue, ByteBufAllocator alloc, int headroom, int maxPacket, Consumer<ByteBuf> sink,
                          Pass pass) {
        this.queue = Objects.requireNonNull(queue, "queue");
        this.alloc = Objects.requireNonNull(alloc, "alloc");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.pass = Objects.requireNonNull(pass, "pass");
        if (headroom < queue.readHeadroom() || headroom > 1024) {
            throw new IllegalArgumentException("headroom must be " + queue.readHeadroom() + "..1024 bytes (the virtio"
                    + " header of a read lands in it), got " + headroom);
        }
        if (maxPacket < 1 || maxPacket > TunQueue.MAX_PACKET) {
            throw new IllegalArgumentException("maxPacket must be 1.." + TunQueue.MAX_PACKET + " bytes, got " + maxPacket);
        }
        this.headroom = headroom;
        this.maxPacket = maxPacket;
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
        for (int i = 0; i < BUDGET && !closed; i++) {
            ByteBuf buf;
            int n;
            try {
                buf = alloc.directBuffer(headroom + maxPacket, headroom + maxPacket);
            } catch (OutOfDirectMemoryError e) {
                backOff(registration);
                return;
            }
            try {
                buf.writerIndex(headroom).readerIndex(headroom);
                n = queue.read(buf);
            } catch (IOException | RuntimeException e) {
                buf.release();
                backOff(registration);
                return;
            }
            if (n == 0) {
                buf.release();
                return;
            }
            packets.increment();
            bytes.add(n);
            try {
                sink.accept(buf);
            } catch (RuntimeException e) {
                errors.increment();
            }
        }
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
