package io.github.tunnelgw.core.tls;

import io.github.tunnelgw.core.tls.OpensslChain.KeyType;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The control channel's TLS settings on a real Netty server on loopback, probed by the JDK's client and by
 * {@code openssl s_client}: TLS 1.3 and 1.2 with AEAD suites work, older protocols and CBC suites do not, and
 * the TLS 1.3 session exports the keying material the DTLS PSK is made from.
 */
class TlsContextFactoryTest {
    private static final String EXPORTER_LABEL = "EXPORTER-openconnect-psk";
    private static final byte[] PING = "ping over tls\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    static Path dir;
    static EventLoopGroup group;
    static OpensslChain ecChain;
    static OpensslChain rsaChain;
    static ServerCredentials ecCredentials;
    static ServerCredentials rsaCredentials;

    @BeforeAll
    static void start() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ecChain = OpensslChain.create(dir, "ec", KeyType.EC);
        rsaChain = OpensslChain.create(dir, "rsa", KeyType.RSA);
        ecCredentials = PemCredentialsLoader.load(ecChain.fullChain(), ecChain.leafKey());
        rsaCredentials = PemCredentialsLoader.load(rsaChain.fullChain(), rsaChain.leafKey());
    }

    @AfterAll
    static void stop() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void tls13ServesTheWholeChainAndEchoes() throws Exception {
        try (TlsEchoServer server = server(ecCredentials);
             SSLSocket socket = connect(server.port(), ecChain, List.of("TLSv1.3"))) {
            assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
            assertThat(socket.getSession().getPeerCertificates()).hasSize(2);
            assertEchoes(socket);
        }
    }

    @Test
    void tls12WithEcdheEcdsaAes256GcmWorks() throws Exception {
        try (TlsEchoServer server = server(ecCredentials);
             SSLSocket socket = connect(server.port(), ecChain, List.of("TLSv1.2"),
                     "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384")) {
            assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.2");
            assertThat(socket.getSession().getCipherSuite()).isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
            assertEchoes(socket);
        }
    }

    @Test
    void rsaCertificateWorksWithEcdheRsaAndTls13() throws Exception {
        try (TlsEchoServer server = server(rsaCredentials)) {
            try (SSLSocket socket = connect(server.port(), rsaChain, List.of("TLSv1.2"),
                    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")) {
                assertThat(socket.getSession().getCipherSuite()).isEqualTo("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
                assertEchoes(socket);
            }
            try (SSLSocket socket = connect(server.port(), rsaChain, List.of("TLSv1.3"))) {
                assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
                assertEchoes(socket);
            }
        }
    }

    @Test
    void serverOrderWinsOverTheClientsOrder() throws Exception {
        try (TlsEchoServer server = server(ecCredentials)) {
            try (SSLSocket socket = connect(server.port(), ecChain, List.of("TLSv1.3"),
                    "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384")) {
                assertThat(socket.getSession().getCipherSuite()).isEqualTo("TLS_AES_256_GCM_SHA384");
            }
            try (SSLSocket socket = connect(server.port(), ecChain, List.of("TLSv1.2"),
                    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384")) {
                assertThat(socket.getSession().getCipherSuite()).isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
            }
        }
    }

    @Test
    void jdkClientWithOnlyACbcSuiteIsRefused() throws Exception {
        try (TlsEchoServer server = server(ecCredentials)) {
            assertThatThrownBy(() -> connect(server.port(), ecChain, List.of("TLSv1.2"),
                    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256").close())
                    .isInstanceOf(SSLHandshakeException.class);
            assertThat(server.nextHandshakeFailure(10)).isNotNull();
        }
    }

    @Test
    void opensslTls13And12GcmSucceed() throws Exception {
        try (TlsEchoServer server = server(ecCredentials)) {
            Openssl.Result tls13 = sClient(server, ecChain, "-tls1_3");
            assertThat(tls13.succeeded()).as(tls13.output()).isTrue();
            assertThat(tls13.output()).contains("TLSv1.3").contains("Verify return code: 0 (ok)");

            Openssl.Result tls12 = sClient(server, ecChain, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES256-GCM-SHA384");
            assertThat(tls12.succeeded()).as(tls12.output()).isTrue();
            assertThat(tls12.output()).contains("ECDHE-ECDSA-AES256-GCM-SHA384").contains("Verify return code: 0 (ok)");
        }
    }

    @Test
    void opensslTls11IsRefusedByTheServer() throws Exception {
        try (TlsEchoServer server = server(ecCredentials)) {
            // Security level 0 lets this openssl offer TLS 1.1 at all, so the refusal is the server's.
            Openssl.Result result = sClient(server, ecChain, "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0");

            assertThat(result.succeeded()).as(result.output()).isFalse();
            assertThat(result.output()).contains("alert protocol version");
            assertThat(server.nextHandshakeFailure(10)).isNotNull();
        }
    }

    @Test
    void opensslTls12CbcSuitesAreRefusedByTheServer() throws Exception {
        try (TlsEchoServer server = server(ecCredentials)) {
            for (String cbc : List.of("ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA384", "ECDHE-ECDSA-AES128-SHA256")) {
                Openssl.Result result = sClient(server, ecChain, "-tls1_2", "-cipher", cbc);

                assertThat(result.succeeded()).as(cbc + "\n" + result.output()).isFalse();
                assertThat(result.output()).as(cbc).contains("alert handshake failure");
                assertThat(server.nextHandshakeFailure(10)).as(cbc).isNotNull();
            }
        }
    }

    @Test
    void opensslStaticRsaKeyExchangeIsRefused() throws Exception {
        try (TlsEchoServer server = server(rsaCredentials)) {
            Openssl.Result result = sClient(server, rsaChain, "-tls1_2", "-cipher", "AES256-GCM-SHA384");

            assertThat(result.succeeded()).as(result.output()).isFalse();
            assertThat(result.output()).contains("alert handshake failure");
            assertThat(server.nextHandshakeFailure(10)).isNotNull();
        }
    }

    @Test
    void tls13ExporterForTheDtlsPskIsTheSameOnBothSides() throws Exception {
        try (TlsEchoServer server = server(ecCredentials);
             SSLSocket first = connect(server.port(), ecChain, List.of("TLSv1.3"));
             SSLSocket second = connect(server.port(), ecChain, List.of("TLSv1.3"))) {
            byte[] client = exporter((ExtendedSSLSession) first.getSession());
            byte[] serverSide = exporter(serverSession(server, first));

            assertThat(client).hasSize(32).isEqualTo(serverSide);
            assertThat(exporter((ExtendedSSLSession) second.getSession()))
                    .as("every connection has its own key").isNotEqualTo(client)
                    .isEqualTo(exporter(serverSession(server, second)));
        }
    }

    @Test
    void tls12ExporterIsTheSameOnBothSidesToo() throws Exception {
        try (TlsEchoServer server = server(ecCredentials);
             SSLSocket socket = connect(server.port(), ecChain, List.of("TLSv1.2"))) {
            assertThat(exporter((ExtendedSSLSession) socket.getSession()))
                    .hasSize(32).isEqualTo(exporter(serverSession(server, socket)));
        }
    }

    private static TlsEchoServer server(ServerCredentials credentials) throws Exception {
        return TlsEchoServer.start(group, TlsContextFactory.serverContext(credentials));
    }

    /** A JDK client that trusts only the chain's root and checks the host name, as a careful client would. */
    private static SSLSocket connect(int port, OpensslChain chain, List<String> protocols, String... suites)
            throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("root", readCertificate(chain.rootCertificate()));
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagers.getTrustManagers(), null);
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            plain.setSoTimeout(10_000);
            SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, "localhost", port, true);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            parameters.setProtocols(protocols.toArray(String[]::new));
            if (suites.length > 0) {
                parameters.setCipherSuites(suites);
            }
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return socket;
        } catch (Exception e) {
            plain.close();
            throw e;
        }
    }

    private static X509Certificate readCertificate(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static void assertEchoes(SSLSocket socket) throws Exception {
        socket.getOutputStream().write(PING);
        socket.getOutputStream().flush();
        assertThat(socket.getInputStream().readNBytes(PING.length)).isEqualTo(PING);
    }

    private static ExtendedSSLSession serverSession(TlsEchoServer server, SSLSocket client) throws Exception {
        SSLEngine engine = server.engineFor(client.getLocalPort());
        return (ExtendedSSLSession) engine.getSession();
    }

    private static byte[] exporter(ExtendedSSLSession session) throws Exception {
        return session.exportKeyingMaterialData(EXPORTER_LABEL, null, 32);
    }

    /** {@code openssl s_client} trusting only the chain's root and checking the host name; stdin is empty. */
    private static Openssl.Result sClient(TlsEchoServer server, OpensslChain chain, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("s_client", "-connect", "127.0.0.1:" + server.port(),
                "-CAfile", chain.rootCertificate().toString(), "-verify_hostname", "localhost", "-servername", "localhost"));
        args.addAll(List.of(options));
        return Openssl.attempt(dir, args.toArray(String[]::new));
    }
}
