package io.github.tunnelgw.tun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.io.IOException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * A dedicated thread per tun queue. Steps for each wake-up:
 * 1. Wait (poll, 100 ms at most, so close() is noticed) until the queue is readable
 * 2. Drain: for each packet, take a pooled direct buffer with {@code headroom} bytes free in front
 * 3. Read the packet straight into it (no copy)
 * 4. Hand the buffer to the sink, which owns it from then on
 */
public final class TunReader implements AutoCloseable {
    private static final int POLL_MILLIS = 100;

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

    public TunReader(TunQueue queue, ByteBufAllocator alloc, int headroom, int maxPacket, Consumer<ByteBuf> sink) {
        this.queue = queue;
        this.alloc = alloc;
        this.headroom = headroom;
        this.maxPacket = maxPacket;
        this.sink = sink;
        this.thread = Thread.ofPlatform().daemon().name("tun-reader-" + queue.deviceName()).unstarted(this::loop);
    }

    public void start() {
        thread.start();
    }

    private void loop() {
        while (running && !queue.isClosed()) {
            try {
                if (queue.awaitReadable(POLL_MILLIS)) {
                    drain();
                }
            } catch (IOException e) {
                errors.increment();
                if (queue.isClosed()) {
                    return;
                }
            }
        }
    }

    private void drain() throws IOException {
        while (running) {
            ByteBuf buf = alloc.directBuffer(headroom + maxPacket, headroom + maxPacket);
            buf.writerIndex(headroom).readerIndex(headroom);
            int n;
            try {
                n = queue.read(buf);
            } catch (IOException e) {
                buf.release();
                throw e;
            }
            if (n == 0) {
                buf.release();
                return;
            }
            packets.increment();
            bytes.add(n);
            sink.accept(buf);
        }
    }

    public long packets() {
        return packets.sum();
    }

    public long bytes() {
        return bytes.sum();
    }

    public long errors() {
        return errors.sum();
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
