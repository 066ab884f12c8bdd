package io.github.tunnelgw.core.e2e;

import java.util.List;

/**
 * An nft table of its own in a namespace that silently drops UDP to and from one address and port on one device,
 * in netdev egress and ingress hooks: the sending socket sees no error, as behind a middlebox that drops UDP.
 * close() deletes the table (idempotent); removing the namespace would too.
 */
final class UdpBlock implements AutoCloseable {
    private final NetworkNamespace namespace;
    private final String table;
    private boolean removed;

    private UdpBlock(NetworkNamespace namespace, String table) {
        this.namespace = namespace;
        this.table = table;
    }

    /** @param table a name unique in the namespace, so that only this block's table is ever deleted */
    static UdpBlock insert(NetworkNamespace namespace, String device, String table, String address, int port) {
        String ruleset = """
                table netdev %1$s {
                    chain egress {
                        type filter hook egress device "%2$s" priority 0; policy accept;
                        ip daddr %3$s udp dport %4$d counter drop
                    }
                    chain ingress {
                        type filter hook ingress device "%2$s" priority 0; policy accept;
                        ip saddr %3$s udp sport %4$d counter drop
                    }
                }
                """.formatted(table, device, address, port);
        CommandResult result = Commands.run(Commands.DEFAULT_TIMEOUT,
                namespace.command(List.of(Tool.NFT.path(), "-f", "-")), ruleset);
        if (!result.succeeded()) {
            throw new HarnessException("cannot block UDP in " + namespace + ": " + result.describe());
        }
        return new UdpBlock(namespace, table);
    }

    /** The table with its rule counters (how many datagrams were dropped each way), for diagnostics. */
    String listing() {
        return namespace.run(Tool.NFT, "list", "table", "netdev", table).stdout();
    }

    @Override
    public void close() {
        if (removed) {
            return;
        }
        namespace.runChecked(Tool.NFT, "delete", "table", "netdev", table);
        removed = true;
    }
}
