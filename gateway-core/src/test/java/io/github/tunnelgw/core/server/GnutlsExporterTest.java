package io.github.tunnelgw.core.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.github.tunnelgw.core.server.ControlChannelTest.login;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's DTLS PSK is the exporter value GnuTLS (openconnect's TLS library) computes for the same
 * connection (reference §5.2): {@code gnutls-cli --keymatexport=EXPORTER-openconnect-psk --keymatexportsize=32}
 * CONNECTs through the gateway's TLS listener, and a DTLS handshake keyed with the value gnutls-cli printed
 * succeeds against the gateway's UDP listener, which keys its side with the JDK's exporter of that TLS session.
 * Under TLS 1.3 and TLS 1.2.
 */
class GnutlsExporterTest {
    private static final Pattern KEY_MATERIAL = Pattern.compile("Key material: ([0-9A-Fa-f]{64})");
    private static final Pattern APP_ID = Pattern.compile("X-DTLS-App-ID: ([0-9a-f]{64})");

    @TempDir
    static Path state;
    static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = new TestGateway(state, "");
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"NORMAL:-VERS-ALL:+VERS-TLS1.3", "NORMAL:-VERS-ALL:+VERS-TLS1.2"})
    void dtlsHandshakeKeyedWithGnutlsExporterSucceeds(String priority) throws Exception {
        String cookie;
        try (RecordTlsClient jdk = gateway.client()) {
            cookie = login(jdk, gateway.token("gnutls-" + priority.hashCode()));
        }
        Process gnutls = new ProcessBuilder("gnutls-cli", "--insecure", "--priority", priority,
                "--keymatexport=EXPORTER-openconnect-psk", "--keymatexportsize=32",
                "--port", String.valueOf(gateway.address().getPort()), "127.0.0.1")
                .redirectErrorStream(true).start();
        List<String> seen = new ArrayList<>();
        try {
            BlockingQueue<String> lines = reader(gnutls);
            String keyMaterial = await(lines, KEY_MATERIAL, seen);
            OutputStream stdin = gnutls.getOutputStream();
            stdin.write(DtlsChannelTest.connectOfferingDtls(cookie)
                    .getBytes(StandardCharsets.US_ASCII));
            stdin.flush();
            String appId = await(lines, APP_ID, seen);
            String port = String.valueOf(gateway.address().getPort());

            byte[] psk = HexFormat.of().parseHex(keyMaterial);
            try (DtlsTestClient dtls = DtlsTestClient.connect(
                    new java.net.InetSocketAddress("127.0.0.1", Integer.parseInt(port)), appId, psk, 5000)) {
                dtls.send((byte) 0x03, new byte[]{1, 2, 3});
                assertThat(dtls.receive(5000)).containsExactly(0x04, 1, 2, 3);
            }
            assertThat(String.join("\n", seen)).contains(priority.endsWith("1.3") ? "TLS1.3" : "TLS1.2");
        } finally {
            gnutls.destroy();
            gnutls.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static BlockingQueue<String> reader(Process process) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.ISO_8859_1))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (Exception ignored) {
                // process ended
            }
        });
        return lines;
    }

    private static String await(BlockingQueue<String> lines, Pattern pattern, List<String> seen) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(200, TimeUnit.MILLISECONDS);
            if (line != null) {
                seen.add(line);
                Matcher m = pattern.matcher(line);
                if (m.find()) {
                    return m.group(1);
                }
            }
        }
        throw new AssertionError("gnutls-cli never printed " + pattern + "; output:\n" + String.join("\n", seen));
    }
}
