package io.github.tunnelgw.core.e2e;

import java.time.Duration;
import java.util.function.Predicate;

/** Reads the gateway's Prometheus endpoint from inside the gateway's namespace with curl. */
final class MetricsScraper {
    /** Gauge: sessions with a live tunnel connection. */
    static final String SESSIONS_ACTIVE = "gateway_sessions_active";
    /** Gauge: client addresses leased. */
    static final String LEASES_IN_USE = "gateway_leases_in_use";
    /** Counter with label {@code reason}. */
    static final String AUTH_FAILURES = "gateway_auth_failures_total";
    static final String SPOOFED_DROPPED = "gateway_spoofed_packets_dropped_total";

    private final NetworkNamespace namespace;
    private final String url;

    MetricsScraper(NetworkNamespace namespace, String listen) {
        this.namespace = namespace;
        this.url = "http://" + listen + "/metrics";
    }

    PrometheusSamples scrape() {
        CommandResult result = Commands.run(namespace.command(Tool.CURL.path(), "-sS", "--fail", "--max-time", "5", url));
        if (!result.succeeded()) {
            throw new HarnessException("cannot read the gateway's metrics: " + result.describe());
        }
        return PrometheusSamples.parse(result.stdout());
    }

    /**
     * Scrapes until {@code condition} holds or the timeout passes, and returns the last scrape either way, so the
     * caller's assertion reports the values actually seen (state changes such as a session ending are asynchronous).
     */
    PrometheusSamples awaitUntil(Duration timeout, Predicate<PrometheusSamples> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            PrometheusSamples samples = scrape();
            if (condition.test(samples) || System.nanoTime() - deadline > 0) {
                return samples;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return samples;
            }
        }
    }

    /** Scrapes until the gauges show {@code sessions} active sessions and {@code leases} leases, or the timeout passes. */
    PrometheusSamples awaitSessionsAndLeases(int sessions, int leases, Duration timeout) {
        return awaitUntil(timeout, s -> s.has(SESSIONS_ACTIVE) && s.has(LEASES_IN_USE)
                && s.value(SESSIONS_ACTIVE) == sessions && s.value(LEASES_IN_USE) == leases);
    }
}
