package io.github.tunnelgw.core.e2e;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Three network namespaces joined by two veth pairs, created fresh with unique names and removed by close():
 *
 * <pre>
 *   [client] veth-c 10.200.X.2/24 --- veth-gc 10.200.X.1/24 [gateway] veth-gi 10.201.X.1/24 --- veth-i 10.201.X.2/24 [internal]
 * </pre>
 *
 * Neither end host has a route to the other's network: the client reaches the internal network only through the
 * VPN tunnel, and the internal host can answer only the gateway's own address, so replies to tunnelled traffic
 * arrive only if the gateway translates the source (PAT). X is chosen per run.
 */
final class Topology implements AutoCloseable {
    static final String CLIENT_INTERFACE = "veth-c";
    static final String GATEWAY_OUTER_INTERFACE = "veth-gc";
    static final String GATEWAY_INNER_INTERFACE = "veth-gi";
    static final String INTERNAL_INTERFACE = "veth-i";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String runId;
    private final int subnet;
    private final NetworkNamespace client;
    private final NetworkNamespace gateway;
    private final NetworkNamespace internal;
    private final List<NetworkNamespace> created = new ArrayList<>();
    private final Backstop.Registration backstop;
    private boolean closed;

    private Topology(String runId, int subnet) {
        this.runId = runId;
        this.subnet = subnet;
        this.client = new NetworkNamespace(NamespaceNames.of("c", runId));
        this.gateway = new NetworkNamespace(NamespaceNames.of("g", runId));
        this.internal = new NetworkNamespace(NamespaceNames.of("i", runId));
        this.backstop = Backstop.register("namespaces of run " + runId, this::removeNamespaces);
    }

    /** Creates the namespaces and links; on any failure removes what was created and rethrows. */
    static Topology create() {
        NamespaceNames.removeStale();
        Topology topology = new Topology(NamespaceNames.newRunId(), 1 + RANDOM.nextInt(250));
        try {
            topology.build();
            return topology;
        } catch (RuntimeException e) {
            topology.close();
            throw e;
        }
    }

    private void build() {
        for (NetworkNamespace ns : List.of(client, gateway, internal)) {
            Commands.runChecked(List.of(Tool.IP.path(), "netns", "add", ns.name()));
            created.add(ns);
            ns.ip("link", "set", "lo", "up");
        }
        // Created straight inside the namespaces, so the fixed interface names never meet in the host namespace.
        Commands.runChecked(List.of(Tool.IP.path(), "link", "add", CLIENT_INTERFACE, "netns", client.name(),
                "type", "veth", "peer", "name", GATEWAY_OUTER_INTERFACE, "netns", gateway.name()));
        Commands.runChecked(List.of(Tool.IP.path(), "link", "add", GATEWAY_INNER_INTERFACE, "netns", gateway.name(),
                "type", "veth", "peer", "name", INTERNAL_INTERFACE, "netns", internal.name()));
        configure(client, CLIENT_INTERFACE, clientAddress());
        configure(gateway, GATEWAY_OUTER_INTERFACE, gatewayOuterAddress());
        configure(gateway, GATEWAY_INNER_INTERFACE, gatewayInnerAddress());
        configure(internal, INTERNAL_INTERFACE, internalHostAddress());
    }

    private static void configure(NetworkNamespace ns, String device, String address) {
        ns.ip("addr", "add", address + "/24", "dev", device);
        ns.ip("link", "set", device, "up");
    }

    String runId() {
        return runId;
    }

    NetworkNamespace client() {
        return client;
    }

    NetworkNamespace gateway() {
        return gateway;
    }

    NetworkNamespace internal() {
        return internal;
    }

    String clientAddress() {
        return "10.200." + subnet + ".2";
    }

    /** Where the gateway listens; the client's VPN server address. */
    String gatewayOuterAddress() {
        return "10.200." + subnet + ".1";
    }

    /** The gateway's address on the internal network: the source the internal host must see (PAT). */
    String gatewayInnerAddress() {
        return "10.201." + subnet + ".1";
    }

    String internalHostAddress() {
        return "10.201." + subnet + ".2";
    }

    /** The internal network, as a CIDR: what the VPN routes to the client. */
    String internalNetwork() {
        return "10.201." + subnet + ".0/24";
    }

    /** A part of the internal network that does not cover the internal host: the VPN's route exclude. */
    String excludedNetwork() {
        return "10.201." + subnet + ".128/25";
    }

    List<String> namespaceNames() {
        return List.of(client.name(), gateway.name(), internal.name());
    }

    /** Removes the namespaces (idempotent). Processes started in them must be stopped first by their owners. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            removeNamespaces();
        } finally {
            backstop.close();
        }
    }

    private synchronized void removeNamespaces() {
        List<String> failures = new ArrayList<>();
        // Removing a namespace deletes its end of each veth, which takes the peer with it.
        for (NetworkNamespace ns : created.reversed()) {
            CommandResult result = Commands.run(List.of(Tool.IP.path(), "netns", "del", ns.name()));
            if (!result.succeeded()) {
                failures.add(result.describe());
            }
        }
        created.clear();
        if (!failures.isEmpty()) {
            throw new HarnessException("could not remove namespaces of run " + runId + ":\n" + String.join("\n", failures));
        }
    }
}
