package io.github.tunnelgw.core.e2e;

import java.time.Duration;

/** Both ends' view of one TCP transfer: what was sent, what arrived, and from which address it seemed to come. */
record TransferResult(String sentSha256, long sentBytes, String receivedSha256, long receivedBytes,
                      String peerSeenByReceiver, Duration elapsed) {

    /** Throughput in Mbit/s, for the test output only (benchmarks are elsewhere). */
    double megabitsPerSecond() {
        double seconds = Math.max(elapsed.toNanos(), 1) / 1e9;
        return receivedBytes * 8 / seconds / 1e6;
    }
}
