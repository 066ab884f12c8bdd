package io.github.tunnelgw.core.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Receiving end of a download, run in the client namespace: {@code TcpFetch <host> <port>}. Connects to a
 * {@link TcpSink} serving a download, reads to end of stream and prints {@code sha256=}, {@code bytes=} and
 * {@code millis=}. Exits 4 if it cannot connect. Uses only the JDK.
 */
public final class TcpFetch {
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    private static final int READ_TIMEOUT_MILLIS = 60_000;

    private TcpFetch() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: TcpFetch <host> <port>");
            System.exit(2);
        }
        long started = System.nanoTime();
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        long bytes;
        try (Socket socket = new Socket()) {
            try {
                socket.connect(new InetSocketAddress(args[0], Integer.parseInt(args[1])), CONNECT_TIMEOUT_MILLIS);
            } catch (IOException e) {
                System.out.println("cannot connect to " + args[0] + ":" + args[1] + ": " + e);
                System.exit(TcpSource.EXIT_CANNOT_CONNECT);
                return;
            }
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            bytes = TcpSink.drain(socket.getInputStream(), sha256);
        }
        System.out.println("sha256=" + HexFormat.of().formatHex(sha256.digest()));
        System.out.println("bytes=" + bytes);
        System.out.println("millis=" + (System.nanoTime() - started) / 1_000_000);
    }
}
