package io.github.tunnelgw.core.metrics;

import io.github.tunnelgw.core.dataplane.DataPlaneCounters;
import io.github.tunnelgw.core.session.SessionRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

/** The gateway's meters, exposed in Prometheus text format. The packet path counts in LongAdders read lazily here. */
public final class GatewayMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Counter> authFailures = new ConcurrentHashMap<>();
    private final Counter authSuccesses;
    private final Counter malformedFrames;
    private final Counter malformedRequests;
    private final Counter poolExhausted;

    public GatewayMetrics() {
        authSuccesses = Counter.builder("gateway.auth.successes").description("logins with a valid token").register(registry);
        malformedFrames = Counter.builder("gateway.cstp.malformed.frames").description("sessions ended by a malformed CSTP frame").register(registry);
        malformedRequests = Counter.builder("gateway.http.malformed.requests").description("control-channel requests refused as malformed").register(registry);
        poolExhausted = Counter.builder("gateway.pool.exhausted").description("CONNECTs refused because the address pool was exhausted").register(registry);
    }

    public void bindSessions(SessionRegistry sessions) {
        gauge("gateway.sessions", sessions, SessionRegistry::sessionCount, "sessions with a valid cookie");
        gauge("gateway.sessions.active", sessions, SessionRegistry::connectedCount, "sessions with a live tunnel connection");
        gauge("gateway.leases.in.use", sessions, SessionRegistry::leasesInUse, "client addresses leased");
    }

    public void bindDataPlane(DataPlaneCounters counters) {
        counter("gateway.packets", counters.uplinkPackets, "direction", "up");
        counter("gateway.packets", counters.downlinkPackets, "direction", "down");
        counter("gateway.bytes", counters.uplinkBytes, "direction", "up");
        counter("gateway.bytes", counters.downlinkBytes, "direction", "down");
        counter("gateway.spoofed.packets.dropped", counters.spoofedDropped);
        counter("gateway.dropped.packets", counters.malformedDropped, "reason", "malformed");
        counter("gateway.dropped.packets", counters.ipv6Dropped, "reason", "ipv6");
        counter("gateway.dropped.packets", counters.noRouteDropped, "reason", "no_route");
        counter("gateway.dropped.packets", counters.congestionDropped, "reason", "congestion");
        counter("gateway.dropped.packets", counters.egressDropped, "reason", "egress");
        counter("gateway.cstp.packets", counters.cstpUplinkPackets, "direction", "up");
        counter("gateway.cstp.packets", counters.cstpDownlinkPackets, "direction", "down");
        counter("gateway.cstp.bytes", counters.cstpUplinkBytes, "direction", "up");
        counter("gateway.cstp.bytes", counters.cstpDownlinkBytes, "direction", "down");
        counter("gateway.dtls.packets", counters.dtlsUplinkPackets, "direction", "up");
        counter("gateway.dtls.packets", counters.dtlsDownlinkPackets, "direction", "down");
        counter("gateway.dtls.bytes", counters.dtlsUplinkBytes, "direction", "up");
        counter("gateway.dtls.bytes", counters.dtlsDownlinkBytes, "direction", "down");
        counter("gateway.dtls.dropped.datagrams", counters.dtlsGarbageDropped, "reason", "garbage");
        counter("gateway.dtls.dropped.datagrams", counters.dtlsOversizedHelloDropped, "reason", "oversized_hello");
        counter("gateway.dtls.dropped.datagrams", counters.dtlsUnknownSessionDropped, "reason", "unknown_session");
        counter("gateway.dtls.dropped.datagrams", counters.dtlsReplayedHelloDropped, "reason", "replayed_hello");
        counter("gateway.dtls.dropped.datagrams", counters.dtlsHandshakeLimitDropped, "reason", "handshake_limit");
        counter("gateway.dtls.dropped.datagrams", counters.dtlsUndecryptableDropped, "reason", "undecryptable");
        counter("gateway.dtls.dropped.datagrams", counters.dtlsSendErrors, "reason", "send_error");
        counter("gateway.uplink.coalesced.segments", counters.uplinkCoalescedSegments);
        counter("gateway.dtls.segmented.sends", counters.dtlsSegmentedSends);
        counter("gateway.dtls.hello.verify.requests", counters.dtlsHelloVerifyRequests);
        counter("gateway.dtls.handshakes", counters.dtlsHandshakesCompleted, "outcome", "completed");
        counter("gateway.dtls.handshakes", counters.dtlsHandshakesFailed, "outcome", "failed");
    }

    public void authSucceeded() {
        authSuccesses.increment();
    }

    public void authFailed(String reason) {
        authFailures.computeIfAbsent(reason, r -> Counter.builder("gateway.auth.failures")
                .description("logins refused, by reason").tag("reason", r).register(registry)).increment();
    }

    public void malformedFrame() {
        malformedFrames.increment();
    }

    public void malformedRequest() {
        malformedRequests.increment();
    }

    public void poolExhausted() {
        poolExhausted.increment();
    }

    public String scrape() {
        return registry.scrape();
    }

    private <T> void gauge(String name, T target, ToDoubleFunction<T> value, String description) {
        Gauge.builder(name, target, value).description(description).register(registry);
    }

    private void counter(String name, LongAdder adder, String... tags) {
        FunctionCounter.builder(name, adder, LongAdder::doubleValue).tags(tags).register(registry);
    }
}
