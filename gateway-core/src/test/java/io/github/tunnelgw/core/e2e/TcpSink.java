package io.github.tunnelgw.core.e2e;

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
 * {@code TcpSink <port> <resultFile>}. Prints {@code listening <port>} once bound, accepts one connection, reads to
 * end of stream, then writes {@code sha256=}, {@code bytes=} and {@code peer=} (the address the connection came
 * from) to the result file, atomically, before closing the connection, so the sender knows, on seeing the close,
 * that the result is on disk. Uses only the JDK.
 */
public final class TcpSink {
    private static final int ACCEPT_TIMEOUT_MILLIS = 120_000;
    private static final int READ_TIMEOUT_MILLIS = 60_000;

    private TcpSink() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: TcpSink <port> <resultFile>");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        Path resultFile = Path.of(args[1]);
        try (ServerSocket server = new ServerSocket()) {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(port));
            server.setSoTimeout(ACCEPT_TIMEOUT_MILLIS);
            System.out.println("listening " + port);
            System.out.flush();
            try (Socket connection = server.accept()) {
                connection.setSoTimeout(READ_TIMEOUT_MILLIS);
                MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
                long bytes = 0;
                byte[] buffer = new byte[64 * 1024];
                InputStream in = connection.getInputStream();
                for (int n = in.read(buffer); n != -1; n = in.read(buffer)) {
                    sha256.update(buffer, 0, n);
                    bytes += n;
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
}
