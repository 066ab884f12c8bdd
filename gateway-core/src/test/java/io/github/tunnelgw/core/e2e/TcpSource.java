package io.github.tunnelgw.core.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Sending end of a TCP transfer, run in the client namespace:
 * {@code TcpSource <host> <port> <bytes> [holdMillis [bytesPerSecond]]}. Sends that many random bytes (no faster
 * than {@code bytesPerSecond} if that is positive, so that a transfer lasts long enough to be disturbed), optionally
 * keeps the connection idle for {@code holdMillis} (blocked in a read, as a VPN client waits for its server), closes
 * its sending side and waits for the receiver to close. Prints
 * {@code sha256=}, {@code bytes=} and {@code millis=}. Exits 3, printing {@code aborted: ...}, if the connection is
 * torn down under it, and 4 if it cannot connect. Uses only the JDK.
 */
public final class TcpSource {
    static final int EXIT_ABORTED = 3;
    static final int EXIT_CANNOT_CONNECT = 4;
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    private static final int CLOSE_TIMEOUT_MILLIS = 60_000;

    private TcpSource() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3 || args.length > 5) {
            System.err.println("usage: TcpSource <host> <port> <bytes> [holdMillis [bytesPerSecond]]");
            System.exit(2);
        }
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        long total = Long.parseLong(args[2]);
        int holdMillis = args.length >= 4 ? Integer.parseInt(args[3]) : 0;
        long bytesPerSecond = args.length == 5 ? Long.parseLong(args[4]) : 0;
        long started = System.nanoTime();
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        try (Socket socket = new Socket()) {
            try {
                socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
            } catch (IOException e) {
                System.out.println("cannot connect to " + host + ":" + port + ": " + e);
                System.exit(EXIT_CANNOT_CONNECT);
            }
            send(socket.getOutputStream(), total, bytesPerSecond, sha256);
            if (holdMillis > 0) {
                hold(socket, holdMillis);
            }
            socket.shutdownOutput();
            awaitClose(socket);
        } catch (SocketException e) {
            System.out.println("aborted: " + e.getMessage());
            System.exit(EXIT_ABORTED);
        }
        System.out.println("sha256=" + HexFormat.of().formatHex(sha256.digest()));
        System.out.println("bytes=" + total);
        System.out.println("millis=" + (System.nanoTime() - started) / 1_000_000);
    }

    /** Writes {@code total} random bytes, no faster than {@code bytesPerSecond} if positive, hashing them. */
    static void send(OutputStream out, long total, long bytesPerSecond, MessageDigest sha256) throws Exception {
        SecureRandom random = new SecureRandom();
        byte[] chunk = new byte[64 * 1024];
        long started = System.nanoTime();
        for (long sent = 0; sent < total; ) {
            if (bytesPerSecond > 0) {
                long due = started + sent * 1_000_000_000L / bytesPerSecond;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            int n = (int) Math.min(chunk.length, total - sent);
            random.nextBytes(chunk);
            out.write(chunk, 0, n);
            sha256.update(chunk, 0, n);
            sent += n;
        }
        out.flush();
    }

    /** The receiver never writes, so a read blocks until the hold ends or the connection is torn down. */
    private static void hold(Socket socket, int holdMillis) throws Exception {
        socket.setSoTimeout(holdMillis);
        try {
            if (socket.getInputStream().read() == -1) {
                throw new SocketException("the receiver closed the connection early");
            }
        } catch (SocketTimeoutException expected) {
            // held for the whole time
        }
    }

    private static void awaitClose(Socket socket) throws Exception {
        socket.setSoTimeout(CLOSE_TIMEOUT_MILLIS);
        InputStream in = socket.getInputStream();
        byte[] ignored = new byte[1024];
        while (in.read(ignored) != -1) {
            // the sink sends nothing; this only waits for its close
        }
    }
}
