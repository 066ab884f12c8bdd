package io.github.tunnelgw.core.tunnel;

import io.github.tunnelgw.core.net.Ipv4Cidr;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** What every CONNECT response announces, taken from the configuration once at start. */
public record TunnelParameters(
        String serverName,
        Ipv4Cidr network,
        List<String> dnsServers,
        Optional<String> defaultDomain,
        List<String> splitDns,
        List<Ipv4Cidr> routeIncludes,
        List<Ipv4Cidr> routeExcludes,
        int linkMtu,
        Duration dpd,
        Duration keepalive,
        Optional<Duration> idleTimeout,
        Optional<Duration> sessionTimeout,
        Duration disconnectedTimeout) {

    public TunnelParameters {
        dnsServers = List.copyOf(dnsServers);
        splitDns = List.copyOf(splitDns);
        routeIncludes = List.copyOf(routeIncludes);
        routeExcludes = List.copyOf(routeExcludes);
    }
}
