package io.github.tunnelgw.tun;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ReadPacingTest {
    final AtomicLong now = new AtomicLong(5_000_000_000L);
    final ReadPacing pacing = new ReadPacing(now::get);

    @Test
    void theFirstPassReadsOnePacket() {
        assertThat(pacing.drainThisPass()).isFalse();
    }

    @Test
    void aPassRightAfterThePreviousOneDrainsTheQueue() {
        pacing.drainThisPass();
        now.addAndGet(ReadPacing.BUSY_GAP_NANOS - 1);
        assertThat(pacing.drainThisPass()).isTrue();
        now.addAndGet(20_000);
        assertThat(pacing.drainThisPass()).isTrue();
    }

    @Test
    void aPassAMillisecondOrMoreAfterThePreviousOneReadsOnePacket() {
        pacing.drainThisPass();
        now.addAndGet(ReadPacing.BUSY_GAP_NANOS);
        assertThat(pacing.drainThisPass()).isFalse();
        now.addAndGet(10_000_000);
        assertThat(pacing.drainThisPass()).isFalse();
    }

    @Test
    void theGapIsMeasuredFromThePreviousPassNotFromTheLastBusyOne() {
        pacing.drainThisPass();
        for (int i = 0; i < 5; i++) {
            now.addAndGet(ReadPacing.BUSY_GAP_NANOS / 2);
            assertThat(pacing.drainThisPass()).isTrue();
        }
        now.addAndGet(ReadPacing.BUSY_GAP_NANOS * 3);
        assertThat(pacing.drainThisPass()).isFalse();
    }

    @Test
    void aClockNearItsWrapStillMeasuresTheGap() {
        now.set(Long.MAX_VALUE - 100);
        pacing.drainThisPass();
        now.set(Long.MIN_VALUE + 100); // 201 ns later, across the wrap
        assertThat(pacing.drainThisPass()).isTrue();
    }
}
