package io.github.tunnelgw.core.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

/**
 * Sends datagrams from one ephemeral UDP port, run in a namespace: {@code UdpSender <host> <port> <file>}, where the
 * file holds one datagram per line in hex. Paces them 2 ms apart so none is lost to a full receive buffer. Prints
 * {@code sent=<count>} and {@code from=<local port>}. Uses only the JDK.
 */
public final class UdpSender {
    private UdpSender() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: UdpSender <host> <port> <file>");
            System.exit(2);
        }
        InetSocketAddress target = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        List<String> lines = Files.readAllLines(Path.of(args[2])).stream().filter(line -> !line.isBlank()).toList();
        try (DatagramSocket socket = new DatagramSocket()) {
            for (String line : lines) {
                byte[] datagram = HexFormat.of().parseHex(line.strip());
                socket.send(new DatagramPacket(datagram, datagram.length, target));
                Thread.sleep(2);
            }
            System.out.println("sent=" + lines.size());
            System.out.println("from=" + socket.getLocalPort());
        }
    }

    /** Sends {@code datagrams} from {@code namespace} to {@code host:port}; the file goes to {@code directory}. */
    static void send(NetworkNamespace namespace, Path directory, String name, String host, int port,
                     List<byte[]> datagrams) {
        Path file = directory.resolve(name + ".hex");
        try {
            Files.write(file, datagrams.stream().map(HexFormat.of()::formatHex).toList());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        CommandResult result = Commands.run(namespace.command(TestClasses.javaCommand(UdpSender.class, host,
                Integer.toString(port), file.toString())));
        if (!result.succeeded() || !result.stdout().contains("sent=" + datagrams.size())) {
            throw new HarnessException("sending " + name + " datagrams failed: " + result.describe());
        }
    }
}
