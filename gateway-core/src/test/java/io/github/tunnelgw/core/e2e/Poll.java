package io.github.tunnelgw.core.e2e;

import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition by polling; the condition may throw to give up early with a better message. */
final class Poll {
    private static final Duration INTERVAL = Duration.ofMillis(50);

    private Poll() {
    }

    static void until(String what, Duration timeout, BooleanSupplier condition) {
        untilPresent(what, timeout, () -> condition.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty());
    }

    static <T> T untilPresent(String what, Duration timeout, Supplier<Optional<T>> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> value = probe.get();
            if (value.isPresent()) {
                return value.get();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new HarnessException("timed out after " + timeout + " waiting for " + what);
            }
            try {
                Thread.sleep(INTERVAL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HarnessException("interrupted while waiting for " + what, e);
            }
        }
    }
}
