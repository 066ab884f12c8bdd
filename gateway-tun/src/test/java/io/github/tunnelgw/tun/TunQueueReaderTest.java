package io.github.tunnelgw.tun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The queue reader on a real Netty epoll event loop, over a SOCK_SEQPACKET pair standing in for a tun queue (same
 * packet semantics; no root).
 */
@Timeout(60)
class TunQueueReaderTest {
    static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;
    final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    final IoEventLoop loop = (IoEventLoop) group.next();
    final SeqPacketPair pair;
    final List<TunQueueReader> readers = new ArrayList<>();
    final BlockingQueue<ByteBuf> received = new LinkedBlockingQueue<>();

    TunQueueReaderTest() throws IOException {
        pair = new SeqPacketPair();
    }

    @AfterEach
    void cleanUp() {
        readers.forEach(TunQueueReader::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        pair.close();
        received.forEach(ByteBuf::release);
    }

    TunQueueReader reader(int headroom, int maxPacket, Consumer<ByteBuf> sink) {
        return reader(headroom, 0, maxPacket, sink);
    }

    TunQueueReader reader(int headroom, int tailroom, int maxPacket, Consumer<ByteBuf> sink) {
        TunQueueReader reader = new TunQueueReader(pair.a, ALLOC, headroom, tailroom, maxPacket, sink,
                TunQueueReader.Pass.NONE);
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
    void deliversEveryPacketInOrderOnTheEventLoopWithTheHeadroomInFrontAndCountsThem() throws Exception {
        int count = 30;
        long total = 0;
        for (int i = 0; i < count; i++) {
            ByteBuf p = packet(20 + i * 40, i);
            assertThat(pair.b.write(p)).isTrue();
            total += p.readableBytes();
            p.release();
        }
        AtomicBoolean offLoop = new AtomicBoolean();
        TunQueueReader reader = reader(8, 16, 1500, buf -> {
            if (!loop.inEventLoop()) {
                offLoop.set(true);
            }
            received.add(buf);
        });
        assertThat(reader.isReading()).isFalse();
        reader.start(loop);
        assertThat(reader.isReading()).isTrue();
        for (int i = 0; i < count; i++) {
            ByteBuf got = received.poll(5, TimeUnit.SECONDS);
            assertThat(got).as("packet %d", i).isNotNull();
            assertThat(got.isDirect()).isTrue();
            assertThat(got.readerIndex()).as("headroom").isEqualTo(8);
            assertThat(got.readableBytes()).isEqualTo(20 + i * 40);
            assertThat(got.capacity()).as("a buffer of the packet's own size, headroom and tailroom")
                    .isEqualTo(8 + 20 + i * 40 + 16);
            assertThat(got.writableBytes()).as("tailroom").isEqualTo(16);
            ByteBuf expected = packet(20 + i * 40, i);
            assertThat(got.equals(expected)).as("content of packet %d", i).isTrue();
            expected.release();
            got.release();
        }
        assertThat(offLoop).as("the sink ran off the event loop").isFalse();
        assertThat(reader.packets()).isEqualTo(count);
        assertThat(reader.bytes()).isEqualTo(total);
        assertThat(reader.errors()).isZero();
    }

    /** Many more packets than one event's budget: all arrive, and the loop runs other tasks in between. */
    @Test
    void aBusyQueueIsReadInBudgetsAndLeavesTheLoopFreeForOthers() throws Exception {
        AtomicLong delivered = new AtomicLong();
        AtomicLong tasksRunDuringReading = new AtomicLong();
        reader(8, 1500, buf -> {
            delivered.incrementAndGet();
            buf.release();
        }).start(loop);
        ByteBuf p = packet(100, 1);
        int total = 20 * TunQueueReader.BUDGET;
        int sent = 0;
        while (sent < total) {
            if (pair.b.write(p.duplicate())) {
                sent++;
            } else {
                // the socket buffer is full: a task queued now runs between two budgets of reads
                loop.execute(() -> {
                    if (delivered.get() < total) {
                        tasksRunDuringReading.incrementAndGet();
                    }
                });
                Thread.sleep(1);
            }
        }
        p.release();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (delivered.get() < total && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(delivered.get()).isEqualTo(total);
        assertThat(tasksRunDuringReading.get()).isPositive();
    }

    /**
     * Far-apart passes read one packet each and leave the rest for the next readable event: with a clock that moves
     * 10 ms between passes, a queued burst arrives whole and in order, one packet per pass.
     */
    @Test
    void farApartPassesReadOnePacketEachAndStrandNothing() throws Exception {
        AtomicLong clock = new AtomicLong();
        List<Integer> perPass = passesOf(12, () -> clock.addAndGet(10_000_000));
        assertThat(perPass).hasSize(12).containsOnly(1);
    }

    /** Back-to-back passes drain the queue: the first pass after start reads one packet, the next one the rest. */
    @Test
    void backToBackPassesDrainTheQueue() throws Exception {
        AtomicLong clock = new AtomicLong();
        List<Integer> perPass = passesOf(12, () -> clock.addAndGet(1_000));
        assertThat(perPass).containsExactly(1, 11);
    }

    /** Sends {@code count} numbered packets, then starts a reader; returns the packets each pass delivered. */
    private List<Integer> passesOf(int count, java.util.function.LongSupplier clock) throws Exception {
        for (int i = 0; i < count; i++) {
            ByteBuf p = packet(60, i);
            assertThat(pair.b.write(p)).isTrue();
            p.release();
        }
        List<Integer> perPass = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Integer> order = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicLong inPass = new AtomicLong();
        TunQueueReader.Pass counting = new TunQueueReader.Pass() {
            @Override
            public void begin() {
                inPass.set(0);
            }

            @Override
            public void end() {
                if (inPass.get() > 0) {
                    perPass.add((int) inPass.get());
                }
            }
        };
        TunQueueReader reader = new TunQueueReader(pair.a, ALLOC, 8, 1500, buf -> {
            inPass.incrementAndGet();
            order.add((int) buf.getUnsignedByte(buf.readerIndex()));
            buf.release();
        }, counting, new ReadPacing(clock));
        readers.add(reader);
        reader.start(loop);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (order.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(order).hasSize(count);
        for (int i = 0; i < count; i++) {
            assertThat(order.get(i)).isEqualTo(i);
        }
        return perPass;
    }

    @Test
    void zeroHeadroomStartsThePacketAtIndexZero() throws Exception {
        reader(0, 100, received::add).start(loop);
        pair.b.write(packet(10, 1));
        ByteBuf got = received.poll(5, TimeUnit.SECONDS);
        assertThat(got).isNotNull();
        assertThat(got.readerIndex()).isZero();
        assertThat(got.readableBytes()).isEqualTo(10);
        got.release();
    }

    /**
     * A packet costs no allocation once warm: the event loop is a FastThreadLocalThread, so the pooled buffer and its
     * wrapper object are reused (a plain platform thread allocated ~110 B per packet). Measured with the JVM's
     * per-thread allocation counter, which counts bytes, not time. The bound leaves room for Netty's leak detector,
     * which at its default level in tests tracks one buffer in 128 (~11 B per packet on average; bin/gateway turns
     * it off).
     */
    @Test
    void aWarmReaderAllocatesNothingPerPacket() throws Exception {
        AtomicLong delivered = new AtomicLong();
        reader(8, 1500, buf -> {
            delivered.incrementAndGet();
            buf.release();
        }).start(loop);
        Thread loopThread = loop.submit(Thread::currentThread).get(5, TimeUnit.SECONDS);
        ByteBuf p = packet(100, 7);
        try {
            // Warm means compiled: right after 30,000 packets C2 had sometimes not finished with the read path yet
            // (54-132 B per packet in that round, ~12 B in the next ones), so the warm-up goes on, up to ten more
            // rounds, until a round stays under the limit; the measured round comes after that.
            sendAndAwait(p, 30_000, delivered);
            for (int round = 0; round < 10 && allocatedPerPacket(loopThread, p, 10_000, delivered) >= 48; round++) {
                // still compiling
            }
            long perPacket = allocatedPerPacket(loopThread, p, 20_000, delivered);
            assertThat(perPacket).as("bytes allocated per packet by the event loop").isLessThan(48);
        } finally {
            p.release();
        }
    }

    private long allocatedPerPacket(Thread loopThread, ByteBuf packet, int count, AtomicLong delivered)
            throws InterruptedException {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getThreadAllocatedBytes(loopThread.threadId());
        sendAndAwait(packet, count, delivered);
        return (threads.getThreadAllocatedBytes(loopThread.threadId()) - before) / count;
    }

    /** Writes {@code count} copies of the packet, waiting for the reader when the socket buffer is full. */
    private void sendAndAwait(ByteBuf packet, int count, AtomicLong delivered) throws InterruptedException {
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
    void closeStopsReadingAndLeavesThePacketsInTheQueue() throws Exception {
        TunQueueReader reader = reader(8, 1500, received::add);
        reader.start(loop);
        pair.b.write(packet(5, 1));
        ByteBuf first = received.poll(5, TimeUnit.SECONDS);
        assertThat(first).isNotNull();
        first.release();
        reader.close();
        assertThat(reader.isReading()).isFalse();
        loop.submit(() -> { }).get(5, TimeUnit.SECONDS); // a pass of the loop after the cancel
        pair.b.write(packet(6, 2));
        assertThat(received.poll(300, TimeUnit.MILLISECONDS)).as("read after close").isNull();
        ByteBuf left = Unpooled.directBuffer(64);
        assertThat(pair.a.read(left)).as("the packet stays queued").isEqualTo(6);
        left.release();
        reader.close();
    }

    @Test
    void closeAfterItsEventLoopStoppedIsQuiet() throws Exception {
        // The gateway stops its event loops before it closes the tun edge; the loop's epoll set is gone with it.
        TunQueueReader reader = reader(8, 1500, received::add);
        reader.start(loop);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();

        reader.close();

        assertThat(reader.isReading()).isFalse();
    }

    @Test
    void aThrowingSinkIsCountedAndReadingGoesOn() throws Exception {
        TunQueueReader reader = reader(8, 1500, buf -> {
            if (buf.readableBytes() == 1) {
                buf.release();
                throw new IllegalStateException("sink refuses");
            }
            received.add(buf);
        });
        reader.start(loop);
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
    void errorsAreCountedWithoutABusyLoop() throws Exception {
        // The peer hangs up: epoll keeps reporting the queue readable and every read fails (end of file).
        TunQueueReader reader = reader(8, 1500, received::add);
        reader.start(loop);
        pair.b.close();
        Thread.sleep(550);
        assertThat(reader.errors()).as("about one per back-off interval").isBetween(2L, 12L);
        assertThat(reader.isReading()).isTrue();
    }

    @Test
    void badArgumentsAreRefused() {
        assertThatThrownBy(() -> new TunQueueReader(pair.a, ALLOC, -1, 1500, received::add))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("headroom");
        assertThatThrownBy(() -> new TunQueueReader(pair.a, ALLOC, 8, -1, 1500, received::add, TunQueueReader.Pass.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tailroom");
        assertThatThrownBy(() -> new TunQueueReader(pair.a, ALLOC, 8, 0, received::add))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxPacket");
        assertThatThrownBy(() -> new TunQueueReader(pair.a, ALLOC, 8, 70_000, received::add))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxPacket");
        assertThatThrownBy(() -> new TunQueueReader(null, ALLOC, 8, 1500, received::add))
                .isInstanceOf(NullPointerException.class);
    }
}
