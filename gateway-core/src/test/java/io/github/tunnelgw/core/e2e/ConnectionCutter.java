package io.github.tunnelgw.core.e2e;

/**
 * Tears down established TCP connections in a namespace with {@code ss -K} (the kernel's sock_diag destroy: the
 * local socket fails with ECONNABORTED and the peer gets a reset), as when a network path breaks under a client.
 */
final class ConnectionCutter {
    private ConnectionCutter() {
    }

    /** Kills the TCP sockets in {@code namespace} connected to {@code address:port}. @return how many there were */
    static int cut(NetworkNamespace namespace, String address, int port) {
        CommandResult result = namespace.runChecked(Tool.SS, "-K", "-H", "-t", "-n", "dst", address, "dport", "=", ":" + port);
        return sockets(result);
    }

    /** How many established TCP connections to {@code address:port} the namespace has. */
    static int established(NetworkNamespace namespace, String address, int port) {
        CommandResult result = namespace.runChecked(Tool.SS, "-H", "-t", "-n", "state", "established",
                "dst", address, "dport", "=", ":" + port);
        return sockets(result);
    }

    /** Without its header (-H), ss prints one line per socket; the filter already did the matching (an address
     * may be printed IPv4-mapped, as [::ffff:a.b.c.d], so the lines are not matched again here). */
    private static int sockets(CommandResult result) {
        return (int) result.stdout().lines().filter(line -> !line.isBlank()).count();
    }
}
