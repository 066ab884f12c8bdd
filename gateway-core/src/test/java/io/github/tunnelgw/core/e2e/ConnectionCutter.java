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
        CommandResult result = namespace.runChecked(Tool.SS, "-K", "-t", "-n", "dst", address, "dport", "=", ":" + port);
        // ss prints a header, then one line per socket it destroyed
        return (int) result.stdout().lines().filter(line -> line.contains(address + ":" + port)).count();
    }

    /** How many established TCP connections to {@code address:port} the namespace has. */
    static int established(NetworkNamespace namespace, String address, int port) {
        CommandResult result = namespace.runChecked(Tool.SS, "-t", "-n", "state", "established",
                "dst", address, "dport", "=", ":" + port);
        return (int) result.stdout().lines().filter(line -> line.contains(address + ":" + port)).count();
    }
}
