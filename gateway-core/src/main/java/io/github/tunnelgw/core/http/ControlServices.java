package io.github.tunnelgw.core.http;

import io.github.tunnelgw.auth.TokenValidator;
import io.github.tunnelgw.core.dataplane.DataPlaneCounters;
import io.github.tunnelgw.core.dataplane.UplinkPath;
import io.github.tunnelgw.core.dtls.DtlsServer;
import io.github.tunnelgw.core.metrics.GatewayMetrics;
import io.github.tunnelgw.core.session.SessionRegistry;
import io.github.tunnelgw.core.tunnel.TunnelParameters;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * What the control-channel handlers share: built once by the server, read-only afterwards.
 * {@code dtls} is empty when UDP is disabled ({@code disableUdpConnections}).
 */
public record ControlServices(
        TokenValidator tokens,
        Executor tokenExecutor,
        SessionRegistry sessions,
        TunnelParameters tunnel,
        UplinkPath uplink,
        DataPlaneCounters counters,
        GatewayMetrics metrics,
        Duration authTimeout,
        Optional<DtlsServer> dtls) {
}
