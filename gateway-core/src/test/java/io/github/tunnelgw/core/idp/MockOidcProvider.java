package io.github.tunnelgw.core.idp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A stand-in for an identity provider's HTTPS endpoints: serves the files under a document root (discovery
 * documents, key sets) as JSON, with a certificate the gateway must be told to trust. Tests change what it serves
 * by rewriting the files (key rotation) or creating {@code <root>/.down} (every request gets 503: provider down).
 * Uses only the JDK, so it also runs as {@code MockOidcProvider <host> <port> <cert.pem> <key.pem> <root>} in
 * another network namespace, printing {@code listening <port>} once bound.
 */
public final class MockOidcProvider implements AutoCloseable {
    public static final String DOWN_MARKER = ".down";

    private final HttpsServer server;
    private final Path root;
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

    private MockOidcProvider(HttpsServer server, Path root) {
        this.server = server;
        this.root = root.toAbsolutePath().normalize();
    }

    public static MockOidcProvider start(InetSocketAddress bind, Path certificatePem, Path pkcs8KeyPem, Path root)
            throws Exception {
        HttpsServer server = HttpsServer.create(bind, 16);
        server.setHttpsConfigurator(new HttpsConfigurator(sslContext(certificatePem, pkcs8KeyPem)));
        MockOidcProvider provider = new MockOidcProvider(server, root);
        server.createContext("/", provider::handle);
        server.start();
        return provider;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: MockOidcProvider <host> <port> <cert.pem> <key.pem> <root>");
            System.exit(2);
        }
        MockOidcProvider provider = start(new InetSocketAddress(args[0], Integer.parseInt(args[1])),
                Path.of(args[2]), Path.of(args[3]), Path.of(args[4]));
        System.out.println("listening " + provider.port());
        System.out.flush();
        new CountDownLatch(1).await(); // until killed
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code https://127.0.0.1:<port>} style base for URLs into the document root. */
    public URI baseUrl() {
        return URI.create("https://" + server.getAddress().getHostString() + ":" + port());
    }

    /** How many requests asked for {@code path} (e.g. {@code /<tid>/discovery/v2.0/keys}). */
    public int requests(String path) {
        AtomicInteger count = requests.get(path);
        return count == null ? 0 : count.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            if (Files.exists(root.resolve(DOWN_MARKER))) {
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            Path file = root.resolve(path.replaceFirst("^/+", "")).normalize();
            if (!"GET".equals(exchange.getRequestMethod()) || !file.startsWith(root) || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] body = Files.readAllBytes(file);
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static SSLContext sslContext(Path certificatePem, Path pkcs8KeyPem) throws Exception {
        Certificate certificate;
        try (var in = Files.newInputStream(certificatePem)) {
            certificate = CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        String pem = Files.readString(pkcs8KeyPem, StandardCharsets.US_ASCII);
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        String algorithm = certificate.getPublicKey().getAlgorithm();
        PrivateKey key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        char[] password = "mock".toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("mock", key, password, new Certificate[] {certificate});
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
