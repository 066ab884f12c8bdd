package io.github.tunnelgw.core.server;

import io.github.tunnelgw.core.tls.SelfSignedCertificate;
import io.github.tunnelgw.core.tls.ServerCredentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The warm-up client against a TLS server that answers the first request with whatever the test says. */
class SelfLoginClientTest {
    @TempDir
    Path state;

    @Test
    void anAnswerOtherThanTheChallengeFailsNamingTheStep() throws Exception {
        assertThatThrownBy(() -> loginAgainst("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))
                .isInstanceOf(IOException.class).hasMessage("the init POST got 200, expected 401");
    }

    @Test
    void somethingThatIsNotHttpFailsAsSuch() throws Exception {
        assertThatThrownBy(() -> loginAgainst("SSH-2.0-OpenSSH_9.2\r\n\r\n"))
                .isInstanceOf(IOException.class).hasMessage("not an HTTP status line: SSH-2.0-OpenSSH_9.2");
    }

    @Test
    void aServerThatClosesMidAnswerFailsWithoutHanging() throws Exception {
        assertThatThrownBy(() -> loginAgainst("HTTP/1.1 401 Unauth"))
                .isInstanceOf(IOException.class).hasMessageContaining("closed the connection after 19 bytes");
    }

    @Test
    void aLoginAnswerWithoutTheCookieFails() throws Exception {
        assertThatThrownBy(() -> loginAgainst("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
                .isInstanceOf(IOException.class).hasMessage("the login answer sets no webvpn cookie");
    }

    @Test
    void successiveLoginsTakeTurnsBetweenTheP256AndX25519KeyExchanges() throws Exception {
        SelfLoginClient[] client = new SelfLoginClient[1];
        String reachedHttp = "the init POST got 200, expected 401";
        String twoHundred = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
        // A server that takes only P-256: the first login gets through the handshake (and fails at the answer), the
        // second offers X25519 alone and fails in the handshake, the third is P-256 again.
        assertThatThrownBy(() -> loginAgainst(client, "secp256r1", twoHundred)).hasMessage(reachedHttp);
        assertThatThrownBy(() -> loginAgainst(client, "secp256r1", twoHundred)).isInstanceOf(SSLException.class);
        assertThatThrownBy(() -> loginAgainst(client, "secp256r1", twoHundred)).hasMessage(reachedHttp);
        // And one that takes only X25519: the fourth login offers X25519.
        assertThatThrownBy(() -> loginAgainst(client, "x25519", twoHundred)).hasMessage(reachedHttp);
    }

    /** Runs one login against a server that writes {@code answers}, one per request, then closes. */
    private void loginAgainst(String... answers) throws Exception {
        loginAgainst(new SelfLoginClient[1], null, answers);
    }

    /**
     * The same with the client in {@code client[0]} (made there if null, kept for the next call) and a server that
     * accepts only {@code serverGroup} for the key exchange (any if null).
     */
    private void loginAgainst(SelfLoginClient[] client, String serverGroup, String... answers) throws Exception {
        ServerCredentials credentials = SelfSignedCertificate.loadOrCreate(state, List.of());
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("gateway", credentials.privateKey(), new char[0],
                credentials.chain().toArray(Certificate[]::new));
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, new char[0]);
        SSLContext tls = SSLContext.getInstance("TLSv1.3");
        tls.init(factory.getKeyManagers(), null, null);
        try (SSLServerSocket server = (SSLServerSocket) tls.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            if (serverGroup != null) {
                SSLParameters parameters = server.getSSLParameters();
                parameters.setNamedGroups(new String[]{serverGroup});
                server.setSSLParameters(parameters);
            }
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (SSLSocket socket = (SSLSocket) server.accept()) {
                    InputStream in = socket.getInputStream();
                    for (String answer : answers) {
                        readRequest(in);
                        socket.getOutputStream().write(answer.getBytes(StandardCharsets.ISO_8859_1));
                        socket.getOutputStream().flush();
                    }
                } catch (IOException ignored) {
                    // the client gave up first
                }
            });
            try {
                InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
                if (client[0] == null) {
                    client[0] = new SelfLoginClient(credentials.leaf(), address);
                }
                client[0].login("a.b.c", address);
            } finally {
                served.get();
            }
        }
    }

    /** Reads one request: the head, then as many body bytes as it declares. */
    private static void readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("client closed");
            }
            head.append((char) b);
        }
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                in.readNBytes(Integer.parseInt(line.substring(15).trim()));
            }
        }
    }
}
