package io.github.tunnelgw.core.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/** Writes the gateway's YAML config for a {@link Topology}; the constants are what the tests expect clients to get. */
final class GatewayConfigFile {
    static final String CLIENT_NETWORK = "10.250.0.0/24";
    static final String CLIENT_NETWORK_PREFIX = "10.250.0.";
    static final String CLIENT_NETMASK = "255.255.255.0";
    static final String GATEWAY_TUN_ADDRESS = "10.250.0.1";
    static final String DNS_SERVER = "10.201.9.53";
    static final String DOMAIN = "corp.example.com";
    static final String TUN_PREFIX = "tgw";
    static final String METRICS_LISTEN = "127.0.0.1:9410";
    static final int LISTEN_PORT = 443;

    private GatewayConfigFile() {
    }

    /** The nft table of this run: unique, so a leftover of another run is never mistaken for ours. */
    static String nftTable(Topology topology) {
        return "tgw_" + topology.runId().replace('-', '_');
    }

    static Path write(Path file, Topology topology, Path stateDirectory) {
        return write(file, topology, stateDirectory, "");
    }

    /**
     * The topology's config followed by {@code extraYaml}: top-level keys the base does not set (e.g. {@code auth}),
     * or ones that replace the base's line for that key (e.g. {@code timeouts} with a short dpd).
     */
    static Path write(Path file, Topology topology, Path stateDirectory, String extraYaml) {
        String yaml = """
                # written by the end-to-end harness for run %s
                listenAddress: 0.0.0.0
                listenPort: %d
                network: %s
                dnsServers: [%s]
                defaultDomainSuffix: %s
                splitDNS: [%s]
                routeIncludes: [%s]
                routeExcludes: [%s]
                tun: { name: "%s%%d" }
                %s
                state: { directory: "%s" }
                timeouts: { cookie: 300s, dpd: 90s, idle: 1200s, session: 24h }
                metrics: { enabled: true, listen: "%s" }
                """.formatted(topology.runId(), LISTEN_PORT, CLIENT_NETWORK, DNS_SERVER, DOMAIN, DOMAIN,
                topology.internalNetwork(), topology.excludedNetwork(), TUN_PREFIX, nat(topology, "enable"),
                stateDirectory.toAbsolutePath(), METRICS_LISTEN);
        return writeText(file, withoutKeysOf(extraYaml, yaml) + extraYaml);
    }

    /**
     * The {@code nat} line of the topology's config with the given {@code ipForward} policy; as extra YAML it
     * replaces the base's line and keeps the rest of it.
     */
    static String nat(Topology topology, String ipForward) {
        return "nat: { enabled: true, outInterface: %s, ipForward: %s, table: %s }".formatted(
                Topology.GATEWAY_INNER_INTERFACE, ipForward, nftTable(topology));
    }

    /** {@code base} without its top-level lines whose key {@code extraYaml} sets at the top level too. */
    static String withoutKeysOf(String extraYaml, String base) {
        Set<String> replaced = extraYaml.lines().map(GatewayConfigFile::topLevelKey).filter(Objects::nonNull)
                .collect(Collectors.toSet());
        return base.lines().filter(line -> !replaced.contains(topLevelKey(line)))
                .collect(Collectors.joining("\n", "", "\n"));
    }

    /** The key of a top-level {@code key: ...} line, or null for indented lines, comments and others. */
    private static String topLevelKey(String line) {
        int colon = line.indexOf(':');
        if (colon <= 0 || Character.isWhitespace(line.charAt(0)) || line.startsWith("#") || line.startsWith("-")) {
            return null;
        }
        return line.substring(0, colon);
    }

    /** A valid config that needs no topology, for subcommands that open no socket. */
    static Path writeMinimal(Path file, Path stateDirectory) {
        return writeText(file, "state: { directory: \"" + stateDirectory.toAbsolutePath() + "\" }\n");
    }

    private static Path writeText(Path file, String yaml) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, yaml);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
