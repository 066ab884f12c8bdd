package io.github.tunnelgw.tun;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The gateway's own nftables table: port address translation (masquerade) of the client range out of one
 * interface. It is applied with {@code nft -f -} in one transaction that also removes any stale table of the same
 * name, so a crashed run's leftovers are replaced, never duplicated. The table lives in the network namespace of
 * the thread that installs it; close it from a thread in the same namespace.
 *
 * <p>No forward filter chain is added. A base chain with policy accept would be harmless but also useless: in
 * nftables an accept verdict only ends the chain that gives it, while a drop in any other table's forward chain
 * (the host firewall) still drops the packet. Letting client traffic through a host firewall is the operator's
 * decision; per-client source checks are done by the gateway before a packet reaches the tun.
 */
public final class NatTable implements AutoCloseable {
    /** nft reads a bare word that starts with a letter or '_' as a name; digits first would be a number. */
    private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    static final Path ROUTES = Path.of("/proc/thread-self/net/route");
    /** Before Linux 3.17 there is no thread-self; /proc/net is then the namespace of the process's main thread. */
    static final Path ROUTES_FALLBACK = Path.of("/proc/net/route");

    private final String tableName;
    private boolean removed;

    private NatTable(String tableName) {
        this.tableName = tableName;
    }

    /**
     * Creates (atomically replacing any stale one) {@code table ip <tableName>} masquerading {@code clientCidr}
     * out of {@code outInterface}.
     *
     * @param clientCidr the client range as {@code a.b.c.d/n} without host bits
     * @throws IllegalArgumentException if an argument is malformed (nothing is run)
     * @throws IOException with nft's message if nft refuses the ruleset
     */
    public static NatTable install(String tableName, String clientCidr, String outInterface) throws IOException {
        Nft.apply(ruleset(tableName, clientCidr, outInterface));
        return new NatTable(tableName);
    }

    /** The ruleset text. Each input is validated, so nothing can be injected into it. */
    static String ruleset(String tableName, String clientCidr, String outInterface) {
        requireTableName(tableName);
        String cidr = requireCidr(clientCidr);
        InterfaceName.requireValid(outInterface);
        return replaceTable(tableName) + """
                table ip %1$s {
                  chain postrouting {
                    type nat hook postrouting priority srcnat; policy accept;
                    ip saddr %2$s oifname "%3$s" masquerade
                  }
                }
                """.formatted(tableName, cidr, outInterface);
    }

    /** Declaring the table first makes the delete succeed whether or not it exists, in the same transaction. */
    private static String replaceTable(String tableName) {
        return "table ip " + tableName + "\ndelete table ip " + tableName + "\n";
    }

    static String requireTableName(String tableName) {
        if (tableName == null || !TABLE.matcher(tableName).matches()) {
            throw new IllegalArgumentException("invalid nftables table name " + Quoted.of(tableName)
                    + ": expected 1 to 64 characters from A-Z a-z 0-9 _, not starting with a digit");
        }
        return tableName;
    }

    /** Returns the CIDR as given if it is {@code a.b.c.d/n} with n in 0..32 and no host bits set. */
    static String requireCidr(String cidr) {
        if (cidr == null) {
            throw new IllegalArgumentException("client CIDR is missing");
        }
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw invalidCidr(cidr, "expected a.b.c.d/n");
        }
        int address;
        try {
            address = Ipv4Header.parse(cidr.substring(0, slash));
        } catch (IllegalArgumentException e) {
            throw invalidCidr(cidr, "the part before the slash is not a dotted-quad IPv4 address");
        }
        String prefixText = cidr.substring(slash + 1);
        if (!prefixText.matches("0|[1-9][0-9]?") || Integer.parseInt(prefixText) > 32) {
            throw invalidCidr(cidr, "the prefix length must be a number from 0 to 32");
        }
        int prefix = Integer.parseInt(prefixText);
        int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
        if ((address & ~mask) != 0) {
            throw invalidCidr(cidr, "host bits are set; the network is " + Ipv4Header.format(address & mask) + "/" + prefix);
        }
        return cidr;
    }

    private static IllegalArgumentException invalidCidr(String cidr, String reason) {
        return new IllegalArgumentException("invalid client CIDR " + Quoted.of(cidr) + ": " + reason);
    }

    public String tableName() {
        return tableName;
    }

    /** Deletes the table. Idempotent: a second call, or a table someone else already deleted, is fine. */
    @Override
    public synchronized void close() throws IOException {
        if (!removed) {
            Nft.apply(replaceTable(tableName));
            removed = true;
        }
    }

    /** The interface of the default IPv4 route in the calling thread's network namespace, if there is one. */
    public static Optional<String> defaultRouteInterface() throws IOException {
        Path routes = Files.exists(ROUTES) ? ROUTES : ROUTES_FALLBACK;
        try {
            return ProcNetRoute.defaultInterface(Files.readAllLines(routes, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new IOException("cannot read the routing table from " + routes + ": " + e, e);
        }
    }
}
