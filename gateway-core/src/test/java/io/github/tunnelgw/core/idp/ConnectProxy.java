package io.github.tunnelgw.core.idp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A minimal HTTP proxy on loopback that only tunnels ({@code CONNECT host:port}), as corporate proxies do for
 * HTTPS, and remembers every target it was asked for. JDK only.
 */
public final class ConnectProxy implements AutoCloseable {
    private final ServerSocket server;
    private final List<String> targets = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    private ConnectProxy(ServerSocket server) {
        this.server = server;
    }

    public static ConnectProxy start() throws IOException {
        ServerSocket server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        ConnectProxy proxy = new ConnectProxy(server);
        Thread acceptor = new Thread(proxy::acceptLoop, "connect-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
        return proxy;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The {@code host:port} of every CONNECT request so far. */
    public List<String> targets() {
        return List.copyOf(targets);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                sockets.add(client);
                Thread handler = new Thread(() -> tunnel(client), "connect-proxy-client");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void tunnel(Socket client) {
        try (client) {
            String head = readHead(client.getInputStream());
            String[] requestLine = head.split("\r\n", 2)[0].split(" ");
            OutputStream toClient = client.getOutputStream();
            if (requestLine.length != 3 || !requestLine[0].equals("CONNECT")) {
                toClient.write("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            targets.add(requestLine[1]);
            int colon = requestLine[1].lastIndexOf(':');
            try (Socket upstream = new Socket()) {
                sockets.add(upstream);
                upstream.connect(new InetSocketAddress(requestLine[1].substring(0, colon),
                        Integer.parseInt(requestLine[1].substring(colon + 1))), 5_000);
                toClient.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                toClient.flush();
                Thread up = new Thread(() -> pipe(client, upstream), "connect-proxy-up");
                up.setDaemon(true);
                up.start();
                pipe(upstream, client);
                up.join(5_000);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the client or the target went away; nothing to report
        }
    }

    private static void pipe(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
            to.shutdownOutput();
        } catch (IOException e) {
            // closed
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4 && head.size() < 8192) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
