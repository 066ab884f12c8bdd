package io.github.tunnelgw.tun;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The gateway's own nftables table: port address translation of the client range out of one interface.
 * Applied with {@code nft -f -} in one transaction (any stale table of the same name is replaced atomically);
 * the {@code nft} binary is run rather than libnftables linked, which keeps the GPL library out of the process.
 * Forwarding is not filtered here: the gateway already enforces per-session source addresses in userspace.
 */
public final class NatTable implements AutoCloseable {
    private static final Pattern TABLE = Pattern.compile("[A-Za-z0-9_]{1,32}");
    private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9_.@-]{1,15}");
    private static final Pattern CIDR = Pattern.compile("(\\d{1,3}\\.){3}\\d{1,3}/\\d{1,2}");

    private final String tableName;
    private boolean removed;

    private NatTable(String tableName) {
        this.tableName = tableName;
    }

    public static NatTable install(String tableName, String clientCidr, String outInterface) throws IOException {
        nft(ruleset(tableName, clientCidr, outInterface));
        return new NatTable(tableName);
    }

    /** The ruleset text; inputs are checked so nothing can be injected into it. */
    static String ruleset(String tableName, String clientCidr, String outInterface) {
        require(TABLE, tableName, "nftables table name");
        require(CIDR, clientCidr, "client CIDR");
        require(INTERFACE, outInterface, "interface name");
        return """
                table ip %1$s
                delete table ip %1$s
                table ip %1$s {
                  chain postrouting {
                    type nat hook postrouting priority srcnat; policy accept;
                    ip saddr %2$s oifname "%3$s" masquerade
                  }
                }
                """.formatted(tableName, clientCidr, outInterface);
    }

    private static void require(Pattern pattern, String value, String what) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw new IllegalArgumentException("invalid " + what + ": '" + value + "'");
        }
    }

    public String tableName() {
        return tableName;
    }

    @Override
    public synchronized void close() throws IOException {
        if (!removed) {
            nft("table ip " + tableName + "\ndelete table ip " + tableName + "\n");
            removed = true;
        }
    }

    private static void nft(String script) throws IOException {
        Process process = new ProcessBuilder("nft", "-f", "-").redirectErrorStream(true).start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(script.getBytes(StandardCharsets.US_ASCII));
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("nft did not finish within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for nft");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (process.exitValue() != 0) {
            throw new IOException("nft failed (exit " + process.exitValue() + "): " + output.replaceAll("\\s+", " "));
        }
    }

    /** The interface of the default IPv4 route in this network namespace, from /proc/net/route. */
    public static Optional<String> defaultRouteInterface() throws IOException {
        return defaultRouteInterface(Files.readAllLines(Path.of("/proc/net/route"), StandardCharsets.US_ASCII));
    }

    static Optional<String> defaultRouteInterface(List<String> routeTable) {
        for (String line : routeTable.subList(Math.min(1, routeTable.size()), routeTable.size())) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 8 && "00000000".equals(fields[1]) && "00000000".equals(fields[7])) {
                return Optional.of(fields[0]);
            }
        }
        return Optional.empty();
    }
}
