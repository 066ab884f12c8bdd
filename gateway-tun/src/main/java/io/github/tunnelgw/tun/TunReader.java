package io.github.tunnelgw.tun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.netty.util.internal.OutOfDirectMemoryError;

import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A dedicated platform thread that reads one tun queue and hands each packet to a sink.
 *
 * <p>The thread is a Netty {@link FastThreadLocalThread}: only on those does Netty's {@code Recycler} reuse the
 * {@code PooledByteBuf} objects around pooled memory, so a packet costs no allocation (a plain thread pays ~96 B
 * per packet for a new buffer object and its reference count). Whatever the sink does on this thread (CSTP
 * encoding, DTLS sending with its per-thread scratch buffer) also gets the fast thread locals.
 *
 * <pre>
 * Flow of the reader thread, in order:
 *   1. awaitReadable(100 ms): poll(2) on the queue; the timeout bounds how long close() waits for the thread.
 *   2. Not readable: back to 1 (the loop ends once close() was called or the queue is closed).
 *   3. Allocate a direct buffer of headroom + maxPacket bytes from the (pooled) allocator.
 *   4. Set the reader and writer index to headroom, so the caller can prepend its header (CSTP: 8 bytes)
 *      in front of the packet without copying it.
 *   5. Read one packet into the buffer. Read returned 0 (EAGAIN, queue drained): release the buffer, back to 1.
 *   6. Count the packet and its bytes.
 *   7. Hand the buffer to the sink, which owns it from now on and releases it.
 *   8. Back to 3: drain the queue before waiting again.
 * On an error: release the buffer if still ours, count it, sleep one poll interval, back to 1.
 * </pre>
 *
 * The sink runs on the reader thread and must not block for long or throw; a throwing sink is counted as an error
 * and the buffer is left to it, since it may already have released or passed it on.
 */
public final class TunReader implements AutoCloseable {
    static final int POLL_MILLIS = 100;
    private static final long JOIN_MILLIS = 1_000;

    private final TunQueue queue;
    private final ByteBufAllocator alloc;
    private final int headroom;
    private final int maxPacket;
    private final Consumer<ByteBuf> sink;
    private final Thread thread;
    private final LongAdder packets = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private volatile boolean running = true;

    /**
     * @param headroom  bytes left free in front of each packet (readerIndex == headroom)
     * @param maxPacket the largest packet expected, at least the link MTU; longer ones are cut by the kernel
     * @param sink      receives each packet and owns (releases) it
     */
    public TunReader(TunQueue queue, ByteBufAllocator alloc, int headroom, int maxPacket, Consumer<ByteBuf> sink) {
        this.queue = Objects.requireNonNull(queue, "queue");
        this.alloc = Objects.requireNonNull(alloc, "alloc");
        this.sink = Objects.requireNonNull(sink, "sink");
        if (headroom < 0 || headroom > 1024) {
            throw new IllegalArgumentException("headroom must be 0..1024 bytes, got " + headroom);
        }
        if (maxPacket < 1 || maxPacket > TunQueue.MAX_PACKET) {
            throw new IllegalArgumentException("maxPacket must be 1.." + TunQueue.MAX_PACKET + " bytes, got " + maxPacket);
        }
        this.headroom = headroom;
        this.maxPacket = maxPacket;
        this.thread = new FastThreadLocalThread(this::loop, "tun-reader-" + queue);
        this.thread.setDaemon(true);
    }

    /** Starts the thread; call once. */
    public void start() {
        thread.start();
    }

    private void loop() {
        while (running) {
            try {
                if (queue.awaitReadable(POLL_MILLIS)) {
                    drain();
                }
            } catch (IOException | OutOfDirectMemoryError e) {
                if (queue.isClosed()) {
                    return;
                }
                errors.increment();
                backOff();
            }
        }
    }

    private void drain() throws IOException {
        while (running) {
            ByteBuf buf = alloc.directBuffer(headroom + maxPacket, headroom + maxPacket);
            int n;
            try {
                buf.writerIndex(headroom).readerIndex(headroom);
                n = queue.read(buf);
            } catch (IOException | RuntimeException e) {
                buf.release();
                throw e;
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

    /** A persistent error must not turn into a busy loop. */
    private void backOff() {
        if (running) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS));
        }
    }

    public long packets() {
        return packets.sum();
    }

    public long bytes() {
        return bytes.sum();
    }

    /** Read, poll and allocation errors, and sink exceptions. */
    public long errors() {
        return errors.sum();
    }

    /** Whether the thread is still running (false before start and after close). */
    public boolean isRunning() {
        return thread.isAlive();
    }

    /** Stops the thread (within one poll interval, about 100 ms) and waits for it. Idempotent. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        if (Thread.currentThread() == thread || !thread.isAlive()) {
            return;
        }
        try {
            thread.join(JOIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
