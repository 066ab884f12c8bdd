package io.github.tunnelgw.core.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Receiving end of a TCP transfer, run in the internal namespace:
 * {@code TcpSink <port> <resultFile> [sendBytes]}. Prints {@code listening <port>} once bound, accepts one connection,
 * reads to end of stream, then writes {@code sha256=}, {@code bytes=} and {@code peer=} (the address the connection
 * came from) to the result file, atomically, before closing the connection, so the sender knows, on seeing the
 * close, that the result is on disk. With {@code sendBytes} it serves a download instead: it sends that many random
 * bytes to the connection ({@link TcpFetch} reads them), closes its sending side, waits for the peer to close, and
 * writes the same result for what it sent. Uses only the JDK.
 */
public final class TcpSink {
    private static final int ACCEPT_TIMEOUT_MILLIS = 120_000;
    private static final int READ_TIMEOUT_MILLIS = 60_000;

    private TcpSink() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2 && args.length != 3) {
            System.err.println("usage: TcpSink <port> <resultFile> [sendBytes]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        Path resultFile = Path.of(args[1]);
        long sendBytes = args.length == 3 ? Long.parseLong(args[2]) : -1;
        try (ServerSocket server = new ServerSocket()) {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(port));
            server.setSoTimeout(ACCEPT_TIMEOUT_MILLIS);
            System.out.println("listening " + port);
            System.out.flush();
            try (Socket connection = server.accept()) {
                connection.setSoTimeout(READ_TIMEOUT_MILLIS);
                MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
                long bytes;
                if (sendBytes >= 0) {
                    TcpSource.send(connection.getOutputStream(), sendBytes, 0, sha256);
                    connection.shutdownOutput();
                    drain(connection.getInputStream(), MessageDigest.getInstance("SHA-256"));
                    bytes = sendBytes;
                } else {
                    bytes = drain(connection.getInputStream(), sha256);
                }
                String result = "sha256=" + HexFormat.of().formatHex(sha256.digest()) + "\n"
                        + "bytes=" + bytes + "\n"
                        + "peer=" + connection.getInetAddress().getHostAddress() + "\n";
                Path temporary = resultFile.resolveSibling(resultFile.getFileName() + ".tmp");
                Files.writeString(temporary, result);
                Files.move(temporary, resultFile, StandardCopyOption.ATOMIC_MOVE);
                System.out.print(result);
            }
        }
    }

    /** Reads to end of stream, hashing what arrives; returns the byte count. */
    static long drain(InputStream in, MessageDigest sha256) throws IOException {
        long bytes = 0;
        byte[] buffer = new byte[64 * 1024];
        for (int n = in.read(buffer); n != -1; n = in.read(buffer)) {
            sha256.update(buffer, 0, n);
            bytes += n;
        }
        return bytes;
    }
}
