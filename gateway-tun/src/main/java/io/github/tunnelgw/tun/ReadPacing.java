package io.github.tunnelgw.tun;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Decides, at the start of each pass over a tun queue, whether the pass reads until the queue is empty or stops after
 * its first packet.
 *
 * <p>Why: reading until the queue is empty costs one more {@code read} per pass, the one that finds nothing. When
 * packets come far apart (a ping, a DNS query, an interactive session) every pass finds one packet, so that read
 * is one of the reply path's four system calls; on hosts where each system call flushes the TLB (page-table isolation
 * without PCID, as on the guests the benchmarks ran on) a {@code perf trace} put ~25 µs of a ping's time on it. The
 * queue is watched level-triggered, so a packet left behind by a one-packet pass is reported again at once and
 * nothing is stranded. When packets come close together a one-packet pass would cost an {@code epoll_wait} per
 * packet instead, so a pass that starts within {@link #BUSY_GAP_NANOS} of the previous one drains the queue.
 */
final class ReadPacing {
    /** Passes closer than this (over ~1,000 wake-ups a second) read until the queue is empty. */
    static final long BUSY_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final LongSupplier clock;
    private long lastPassNanos;
    private boolean started;

    ReadPacing(LongSupplier clock) {
        this.clock = clock;
    }

    static ReadPacing systemClock() {
        return new ReadPacing(System::nanoTime);
    }

    /** Called once at the start of each pass: whether it goes on reading after its first packet. */
    boolean drainThisPass() {
        long now = clock.getAsLong();
        boolean busy = started && now - lastPassNanos < BUSY_GAP_NANOS;
        started = true;
        lastPassNanos = now;
        return busy;
    }
}
