package io.github.tunnelgw.tun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The reader thread over a SOCK_SEQPACKET pair standing in for a tun queue (same packet semantics; no root). */
@Timeout(60)
class TunReaderTest {
    static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;
    final SeqPacketPair pair;
    final List<TunReader> readers = new ArrayList<>();
    final BlockingQueue<ByteBuf> received = new LinkedBlockingQueue<>();

    TunReaderTest() throws IOException {
        pair = new SeqPacketPair();
    }

    @AfterEach
    void cleanUp() {
        readers.forEach(TunReader::close);
        pair.close();
        received.forEach(ByteBuf::release);
    }

    TunReader reader(int headroom, int maxPacket, Consumer<ByteBuf> sink) {
        TunReader reader = new TunReader(pair.a, ALLOC, headroom, maxPacket, sink);
        readers.add(reader);
        return reader;
    }

    static ByteBuf packet(int length, int seed) {
        ByteBuf buf = Unpooled.directBuffer(length);
        for (int i = 0; i < length; i++) {
            buf.writeByte(seed + i);
        }
        return buf;
    }

    @Test
    void deliversEveryPacketInOrderWithTheHeadroomInFrontAndCountsThem() throws Exception {
        int count = 30;
        long total = 0;
        for (int i = 0; i < count; i++) {
            ByteBuf p = packet(20 + i * 40, i);
            assertThat(pair.b.write(p)).isTrue();
            total += p.readableBytes();
            p.release();
        }
        TunReader reader = reader(8, 1500, received::add);
        reader.start();
        for (int i = 0; i < count; i++) {
            ByteBuf got = received.poll(5, TimeUnit.SECONDS);
            assertThat(got).as("packet %d", i).isNotNull();
            assertThat(got.isDirect()).isTrue();
            assertThat(got.readerIndex()).as("headroom").isEqualTo(8);
            assertThat(got.readableBytes()).isEqualTo(20 + i * 40);
            assertThat(got.capacity()).isGreaterThanOrEqualTo(8 + 1500);
            ByteBuf expected = packet(20 + i * 40, i);
            assertThat(got.equals(expected)).as("content of packet %d", i).isTrue();
            expected.release();
            got.release();
        }
        assertThat(reader.packets()).isEqualTo(count);
        assertThat(reader.bytes()).isEqualTo(total);
        assertThat(reader.errors()).isZero();
    }

    /**
     * A packet costs the reader thread no allocation once warm: the pooled buffer and its wrapper object are reused
     * (a plain platform thread allocated ~110 B per packet here). Measured with the JVM's per-thread allocation
     * counter, which counts bytes, not time. The bound leaves room for Netty's leak detector, which at its default
     * level in tests tracks one buffer in 128 (~11 B per packet on average; bin/gateway turns it off).
     */
    @Test
    void aWarmReaderAllocatesNothingPerPacket() throws Exception {
        BlockingQueue<Thread> readerThread = new LinkedBlockingQueue<>();
        java.util.concurrent.atomic.AtomicLong delivered = new java.util.concurrent.atomic.AtomicLong();
        TunReader reader = reader(8, 1500, buf -> {
            if (delivered.getAndIncrement() == 0) {
                readerThread.add(Thread.currentThread());
            }
            buf.release();
        });
        reader.start();
        ByteBuf p = packet(100, 7);
        try {
            sendAndAwait(p, 30_000, delivered);
            Thread thread = readerThread.take();
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            long before = threads.getThreadAllocatedBytes(thread.threadId());
            int measured = 20_000;
            sendAndAwait(p, measured, delivered);
            long perPacket = (threads.getThreadAllocatedBytes(thread.threadId()) - before) / measured;
            assertThat(perPacket).as("bytes allocated per packet by the reader thread").isLessThan(48);
        } finally {
            p.release();
        }
    }

    /** Writes {@code count} copies of the packet, waiting for the reader when the socket buffer is full. */
    private void sendAndAwait(ByteBuf packet, int count, java.util.concurrent.atomic.AtomicLong delivered)
            throws InterruptedException {
        long target = delivered.get() + count;
        for (int sent = 0; sent < count; ) {
            if (pair.b.write(packet.duplicate())) {
                sent++;
            } else {
                Thread.sleep(1);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (delivered.get() < target && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(delivered.get()).as("packets delivered").isGreaterThanOrEqualTo(target);
    }

    @Test
    void zeroHeadroomStartsThePacketAtIndexZero() throws Exception {
        reader(0, 100, received::add).start();
        pair.b.write(packet(10, 1));
        ByteBuf got = received.poll(5, TimeUnit.SECONDS);
        assertThat(got).isNotNull();
        assertThat(got.readerIndex()).isZero();
        assertThat(got.readableBytes()).isEqualTo(10);
        got.release();
    }

    @Test
    void closeStopsAnIdleReaderWithinOnePollIntervalAndJoinsIt() throws Exception {
        TunReader reader = reader(8, 1500, received::add);
        assertThat(reader.isRunning()).isFalse();
        reader.start();
        assertThat(reader.isRunning()).isTrue();
        Thread.sleep(30);
        long start = System.nanoTime();
        reader.close();
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(reader.isRunning()).isFalse();
        assertThat(elapsedMillis).isLessThan(300);
        reader.close();
    }

    @Test
    void aThrowingSinkIsCountedAndReadingGoesOn() throws Exception {
        TunReader reader = reader(8, 1500, buf -> {
            if (buf.readableBytes() == 1) {
                buf.release();
                throw new IllegalStateException("sink refuses");
            }
            received.add(buf);
        });
        reader.start();
        pair.b.write(packet(1, 0));
        pair.b.write(packet(2, 0));
        ByteBuf got = received.poll(5, TimeUnit.SECONDS);
        assertThat(got).isNotNull();
        assertThat(got.readableBytes()).isEqualTo(2);
        got.release();
        assertThat(reader.errors()).isEqualTo(1);
        assertThat(reader.packets()).isEqualTo(2);
    }

    @Test
    void readerEndsByItselfWhenItsQueueIsClosed() throws Exception {
        TunReader reader = reader(8, 1500, received::add);
        reader.start();
        pair.a.close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (reader.isRunning() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(reader.isRunning()).isFalse();
    }

    @Test
    void errorsAreCountedWithoutABusyLoop() throws Exception {
        // The peer hangs up: poll keeps reporting the queue readable and every read fails (end of file).
        TunReader reader = reader(8, 1500, received::add);
        reader.start();
        pair.b.close();
        Thread.sleep(550);
        assertThat(reader.errors()).as("about one per poll interval").isBetween(2L, 12L);
        assertThat(reader.isRunning()).isTrue();
    }

    @Test
    void badArgumentsAreRefused() {
        assertThatThrownBy(() -> new TunReader(pair.a, ALLOC, -1, 1500, received::add))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("headroom");
        assertThatThrownBy(() -> new TunReader(pair.a, ALLOC, 8, 0, received::add))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxPacket");
        assertThatThrownBy(() -> new TunReader(pair.a, ALLOC, 8, 70_000, received::add))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxPacket");
        assertThatThrownBy(() -> new TunReader(null, ALLOC, 8, 1500, received::add)).isInstanceOf(NullPointerException.class);
    }
}
