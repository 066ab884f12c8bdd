package io.github.tunnelgw.core.server;

import ch.qos.logback.classic.Level;
import io.github.tunnelgw.core.cstp.CstpFrame;
import io.github.tunnelgw.core.dataplane.DataPlane;
import io.github.tunnelgw.core.dataplane.Ipv4Packets;
import io.github.tunnelgw.core.net.Ipv4Address;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

/** The control channel over real TLS on loopback: probe page, HTTP limits, login, CONNECT and CSTP framing. */
class ControlChannelTest {
    static final String INIT_BODY = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<config-auth client=\"vpn\" type=\"init\" "
            + "aggregate-auth-version=\"2\"><version who=\"vpn\">v9.01-3</version><device-id>linux-64</device-id>"
            + "<group-access>https://gw/</group-access></config-auth>";
    static final String MALFORMED_XML = "<config-auth type=\"init\"><unclosed>";
    static final String AUTH_FAILURES = "gateway_auth_failures_total";
    static final String MALFORMED_REQUESTS = "gateway_http_malformed_requests_total";

    /** ControlRequestHandler.MAX_REQUESTS, ocserv's limit. */
    static final int MAX_REQUESTS_PER_CONNECTION = 16;

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

    static String post(String extraHeaders, String body) {
        return "POST / HTTP/1.1\r\nHost: gw\r\nUser-Agent: Open AnyConnect VPN Agent v9.01-3\r\nX-Transcend-Version: 1\r\n"
                + "X-Aggregate-Auth: 1\r\nX-Support-HTTP-Auth: true\r\nContent-Type: application/xml; charset=utf-8\r\n"
                + extraHeaders + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    static String connect(String cookie) {
        return "CONNECT /CSCOSSLC/tunnel HTTP/1.1\r\nHost: gw\r\nUser-Agent: Open AnyConnect VPN Agent v9.01-3\r\n"
                + (cookie == null ? "" : "Cookie: webvpn=" + cookie + "\r\n")
                + "X-CSTP-Version: 1\r\nX-CSTP-Base-MTU: 1500\r\nX-CSTP-Address-Type: IPv6,IPv4\r\n\r\n";
    }

    static String login(RecordTlsClient client, String token) throws Exception {
        client.write(post("Authorization: Bearer " + token + "\r\n", INIT_BODY));
        HttpReply reply = client.readHttpResponse();
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        return reply.webvpnCookie();
    }

    /** Logs in, CONNECTs, and returns the tunnel's 200 response read from exactly one TLS record. */
    static HttpReply openTunnel(RecordTlsClient client, String cookie) throws Exception {
        client.write(connect(cookie));
        byte[] record = client.readRecord();
        String head = new String(record, StandardCharsets.ISO_8859_1);
        assertThat(head).as("the CONNECT response is alone in its record").startsWith("HTTP/1.1 200 CONNECTED\r\n").endsWith("\r\n\r\n");
        HttpReply reply = HttpReply.parseHead(head.substring(0, head.length() - 4));
        // CSTP frames follow the header block, not a body: like ocserv, no Content-Length
        assertThat(reply.header("Content-Length")).isEmpty();
        return reply;
    }

    /** Sends one request on a connection of its own and returns the answer. */
    static HttpReply exchange(String request) throws Exception {
        try (RecordTlsClient client = gateway.client()) {
            client.write(request);
            return client.readHttpResponse();
        }
    }

    static byte[] frame(byte type, byte[] payload) {
        return ByteBuffer.allocate(8 + payload.length).putInt(CstpFrame.MAGIC).putShort((short) payload.length)
                .put(type).put((byte) 0).put(payload).array();
    }

    static byte[] bytes(ByteBuf buf) {
        byte[] out = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), out);
        buf.release();
        return out;
    }

    @Test
    void probePageAnswersLoadBalancersAndKeepsTheConnection() throws Exception {
        try (RecordTlsClient client = gateway.client()) {
            for (int i = 0; i < 2; i++) {
                client.write("GET / HTTP/1.1\r\nHost: gw\r\nUser-Agent: ELB-HealthChecker/2.0\r\n\r\n");
                HttpReply reply = client.readHttpResponse();
                assertThat(reply.status()).isEqualTo(200);
                // the declared length covers the whole page: the next loop's status line parses only if nothing is left over
                assertThat(reply.body()).startsWith("<!DOCTYPE html>").endsWith("</html>\n");
            }
            assertThat(gateway.server.sessions().sessionCount()).isZero();
        }
    }

    @Test
    void everyKindOfResponseCarriesTheFullSetOfSecurityHeaders() throws Exception {
        List<HttpReply> replies = new ArrayList<>();
        try (RecordTlsClient client = gateway.client()) {
            client.write("GET / HTTP/1.1\r\nHost: gw\r\n\r\n");
            replies.add(client.readHttpResponse());
            client.write(post("", INIT_BODY));
            replies.add(client.readHttpResponse());
            client.write(post("Authorization: Bearer " + gateway.token("headers") + "\r\n", INIT_BODY));
            HttpReply success = client.readHttpResponse();
            replies.add(success);
            // ocserv adds them to its CONNECT answer as well (reference §9.6)
            replies.add(openTunnel(client, success.webvpnCookie()));
        }
        replies.add(exchange(post("Authorization: Bearer garbage\r\n", INIT_BODY)));
        replies.add(exchange(connect("x".repeat(43))));
        replies.add(exchange("GET /admin HTTP/1.1\r\nHost: gw\r\n\r\n"));

        assertThat(replies).extracting(HttpReply::statusLine).containsExactly("HTTP/1.1 200 OK", "HTTP/1.1 401 Unauthorized",
                "HTTP/1.1 200 OK", "HTTP/1.1 200 CONNECTED", "HTTP/1.1 401 Authentication failed",
                "HTTP/1.1 401 Cookie is not acceptable", "HTTP/1.1 404 Not Found");
        replies.forEach(SecurityHeaders::assertCarriedBy);
    }

    @Test
    void tls12IsAcceptedAsFallback() throws Exception {
        try (RecordTlsClient client = RecordTlsClient.connect(gateway.address(), "TLSv1.2")) {
            assertThat(client.protocol()).isEqualTo("TLSv1.2");
            client.write("GET / HTTP/1.1\r\nHost: gw\r\n\r\n");
            assertThat(client.readHttpResponse().status()).isEqualTo(200);
        }
        try (RecordTlsClient client = gateway.client()) {
            assertThat(client.protocol()).isEqualTo("TLSv1.3");
        }
    }

    @Test
    void unknownPathsAndMethodsGet404AndTheConnectionCloses() throws Exception {
        for (String request : new String[]{"GET /admin HTTP/1.1\r\nHost: gw\r\n\r\n", "HEAD / HTTP/1.1\r\nHost: gw\r\n\r\n",
                "DELETE / HTTP/1.1\r\nHost: gw\r\n\r\n", "CONNECT /other HTTP/1.1\r\nHost: gw\r\n\r\n"}) {
            try (RecordTlsClient client = gateway.client()) {
                client.write(request);
                HttpReply reply = client.readHttpResponse(request.startsWith("HEAD"));
                assertThat(reply.status()).as(request).isEqualTo(404);
                // ocserv's 404 page is 50 bytes; a HEAD answer declares the same length without sending the body
                assertThat(reply.header("Content-Length")).as(request).contains("50");
                assertThat(reply.header("Connection")).contains("close");
                assertThat(client.closedByPeer()).isTrue();
            }
        }
    }

    @Test
    void oversizedRequestLineHeadersAndBodiesAreRefusedAndClosed() throws Exception {
        String[][] cases = {
                {"GET /" + "a".repeat(5000) + " HTTP/1.1\r\nHost: gw\r\n\r\n", "414"},
                // (on a login path the same is refused as a login: EntraTokenLoginTest)
                {"GET /other HTTP/1.1\r\nHost: gw\r\nX-Big: " + "b".repeat(30_000) + "\r\n\r\n", "431"},
                // the announced length alone is refused, before the client has sent (and the gateway buffered) the body
                {"POST / HTTP/1.1\r\nHost: gw\r\nContent-Type: application/xml\r\nContent-Length: 70000\r\n\r\n<config-auth", "413"},
                {"THIS IS NOT HTTP\r\n\r\n", "400"},
        };
        for (String[] c : cases) {
            try (RecordTlsClient client = gateway.client()) {
                client.write(c[0]);
                HttpReply reply = client.readHttpResponse();
                assertThat(reply.status()).as(c[1]).isEqualTo(Integer.parseInt(c[1]));
                assertThat(reply.header("Content-Length")).as(c[1]).contains("0");
                SecurityHeaders.assertCarriedBy(reply);
                assertThat(client.closedByPeer()).isTrue();
            }
        }
    }

    @Test
    void theChallengeKeepsTheConnectionOpenForTheTokenAndTheTestClientSaysSoInsteadOfHanging() throws Exception {
        try (RecordTlsClient client = gateway.client()) {
            client.write(post("", INIT_BODY));
            assertThat(client.readHttpResponse().status()).isEqualTo(401);
            long start = System.nanoTime();
            assertThat(client.readTimeout(java.time.Duration.ofMillis(300)).closedByPeer())
                    .as("still open after the challenge").isFalse();
            assertThat(System.nanoTime() - start).as("the read timed out instead of blocking")
                    .isLessThan(TimeUnit.SECONDS.toNanos(5));
        }
    }

    @Test
    void loginWithoutTokenIsChallengedWithBearerOnPostAndOnTheGetFallback() throws Exception {
        try (RecordTlsClient client = gateway.client()) {
            client.write(post("", INIT_BODY));
            HttpReply challenge = client.readHttpResponse();
            assertThat(challenge.statusLine()).isEqualTo("HTTP/1.1 401 Unauthorized");
            assertThat(challenge.header("WWW-Authenticate")).contains("Bearer");
            assertThat(challenge.header("Content-Length")).contains("0");
            // openconnect 9.01's non-XML fallback: GET / with X-Support-HTTP-Auth on the same connection
            client.write("GET / HTTP/1.1\r\nHost: gw\r\nX-Support-HTTP-Auth: true\r\n\r\n");
            HttpReply again = client.readHttpResponse();
            assertThat(again.status()).isEqualTo(401);
            assertThat(again.header("WWW-Authenticate")).contains("Bearer");
            assertThat(again.header("Content-Length")).contains("0");
            // and the token is accepted on that GET
            client.write("GET / HTTP/1.1\r\nHost: gw\r\nX-Support-HTTP-Auth: true\r\nAuthorization: Bearer "
                    + gateway.token("fallback") + "\r\n\r\n");
            HttpReply success = client.readHttpResponse();
            assertThat(success.status()).isEqualTo(200);
            assertThat(success.body()).contains("<auth id=\"success\">").endsWith("</config-auth>\n");
            assertThat(success.webvpnCookie()).hasSize(43);
        }
    }

    @Test
    void badTokensGetUniform401AndNoSession() throws Exception {
        int before = gateway.server.sessions().sessionCount();
        String good = gateway.token("mallory");
        String tampered = good.substring(0, good.length() - 4) + (good.endsWith("AAAA") ? "BBBB" : "AAAA");
        for (String token : new String[]{"garbage", tampered, "a.b.c"}) {
            try (RecordTlsClient client = gateway.client()) {
                client.write(post("Authorization: Bearer " + token + "\r\n", INIT_BODY));
                HttpReply reply = client.readHttpResponse();
                assertThat(reply.statusLine()).isEqualTo("HTTP/1.1 401 Authentication failed");
                assertThat(reply.header("Content-Length")).contains("0");
                assertThat(reply.headers("Set-Cookie")).isEmpty();
                assertThat(client.closedByPeer()).isTrue();
            }
        }
        assertThat(gateway.server.sessions().sessionCount()).isEqualTo(before);
        assertThat(gateway.server.metrics().scrape()).contains("gateway_auth_failures_total");
    }

    @Test
    void twoAuthorizationHeadersAreRefused() throws Exception {
        try (RecordTlsClient client = gateway.client()) {
            String token = gateway.token("twice");
            client.write(post("Authorization: Bearer " + token + "\r\nAuthorization: Bearer " + token + "\r\n", INIT_BODY));
            assertThat(client.readHttpResponse().status()).isEqualTo(401);
            assertThat(client.closedByPeer()).isTrue();
        }
    }

    @Test
    void malformedXmlWithAValidTokenIsRefusedWithoutASession() throws Exception {
        // a malformed request, not a refused token: 400 and counted as malformed, never as an authentication failure
        int before = gateway.server.sessions().sessionCount();
        double malformedBefore = gateway.metric(MALFORMED_REQUESTS, "");
        double authFailuresBefore = gateway.metric(AUTH_FAILURES, "");
        try (RecordTlsClient client = gateway.client()) {
            client.write(post("Authorization: Bearer " + gateway.token("xml") + "\r\n", MALFORMED_XML));
            assertThat(client.readHttpResponse().statusLine()).isEqualTo("HTTP/1.1 400 Bad Request");
            assertThat(client.closedByPeer()).isTrue();
        }
        assertThat(gateway.server.sessions().sessionCount()).isEqualTo(before);
        assertThat(gateway.metric(MALFORMED_REQUESTS, "")).isEqualTo(malformedBefore + 1);
        assertThat(gateway.metric(AUTH_FAILURES, "")).isEqualTo(authFailuresBefore);
    }

    @Test
    void authorizationHeaderIsCheckedBeforeTheBody() throws Exception {
        // docs/configuration.md lists the checks in this order; the body is only looked at behind a Bearer token
        double badRequestsBefore = gateway.metric(AUTH_FAILURES, "reason=\"bad_request\"");
        try (RecordTlsClient client = gateway.client()) {
            client.write(post("Authorization: Basic dXNlcjpwYXNz\r\n", MALFORMED_XML));
            assertThat(client.readHttpResponse().statusLine()).isEqualTo("HTTP/1.1 401 Authentication failed");
            assertThat(client.closedByPeer()).isTrue();
        }
        assertThat(gateway.metric(AUTH_FAILURES, "reason=\"bad_request\"")).isEqualTo(badRequestsBefore + 1);
        try (RecordTlsClient client = gateway.client()) {
            client.write(post("", MALFORMED_XML));
            HttpReply challenge = client.readHttpResponse();
            assertThat(challenge.statusLine()).isEqualTo("HTTP/1.1 401 Unauthorized");
            assertThat(challenge.header("WWW-Authenticate")).contains("Bearer");
        }
    }

    @Test
    void pipelinedRequestsBehindALoginAreAbuse() throws Exception {
        try (RecordTlsClient client = gateway.client()) {
            String request = post("Authorization: Bearer " + gateway.token("pipeline") + "\r\n", INIT_BODY);
            client.write(request + request);
            assertThat(client.readHttpResponse().status()).isIn(200, 400);
            assertThat(client.closedByPeer()).isTrue();
        }
    }

    @Test
    void theSeventeenthRequestOnOneConnectionIsRefusedWith429AndTheConnectionCloses() throws Exception {
        try (RecordTlsClient client = gateway.client()) {
            for (int i = 1; i <= MAX_REQUESTS_PER_CONNECTION; i++) {
                client.write("GET / HTTP/1.1\r\nHost: gw\r\n\r\n");
                assertThat(client.readHttpResponse().status()).as("request %d", i).isEqualTo(200);
            }
            client.write("GET / HTTP/1.1\r\nHost: gw\r\n\r\n");
            HttpReply refused = client.readHttpResponse();
            assertThat(refused.statusLine()).isEqualTo("HTTP/1.1 429 Too Many Requests");
            assertThat(refused.header("Content-Length")).contains("0");
            assertThat(refused.header("Connection")).contains("close");
            SecurityHeaders.assertCarriedBy(refused);
            assertThat(client.closedByPeer()).isTrue();
        }
    }

    @Test
    void connectWithoutOrWithAnUnknownCookieIs401AndCloses() throws Exception {
        for (String cookie : new String[]{null, "x".repeat(43), "not-a-cookie"}) {
            try (RecordTlsClient client = gateway.client()) {
                client.write(connect(cookie));
                HttpReply reply = client.readHttpResponse();
                assertThat(reply.statusLine()).isEqualTo("HTTP/1.1 401 Cookie is not acceptable");
                assertThat(reply.header("Content-Length")).contains("0");
                assertThat(client.closedByPeer()).isTrue();
            }
        }
    }

    @Test
    void tunnelCarriesDataBothWaysWithOneFramePerRecordAndDropsSpoofing() throws Exception {
        try (RecordTlsClient client = gateway.client()) {
            String cookie = login(client, gateway.token("alice"));
            HttpReply tunnel = openTunnel(client, cookie);
            int lease = Ipv4Address.parse(tunnel.header("X-CSTP-Address").orElseThrow());
            assertThat(tunnel.header("X-CSTP-Netmask")).contains("255.255.255.0");
            assertThat(tunnel.header("X-CSTP-MTU")).contains("1472");
            assertThat(tunnel.headers("X-CSTP-Split-Include")).containsExactly("10.201.0.0/255.255.0.0");

            // DPD request is answered with a DPD response echoing the payload
            client.write(frame(CstpFrame.DPD_REQUEST, new byte[]{9, 8, 7}));
            assertThat(client.readRecord()).isEqualTo(frame(CstpFrame.DPD_RESPONSE, new byte[]{9, 8, 7}));

            // uplink: own source goes to the edge, a spoofed source is dropped and counted
            int internal = Ipv4Address.parse("10.201.0.2");
            byte[] own = bytes(Ipv4Packets.udp(lease, internal, 200));
            long spoofedBefore = gateway.server.counters().spoofedDropped.sum();
            client.write(frame(CstpFrame.DATA, bytes(Ipv4Packets.udp(lease + 1, internal, 200))));
            client.write(frame(CstpFrame.DATA, own));
            assertThat(gateway.edge.uplink.poll(5, TimeUnit.SECONDS)).isEqualTo(own);
            assertThat(gateway.edge.uplink).isEmpty();
            assertThat(gateway.server.counters().spoofedDropped.sum()).isEqualTo(spoofedBefore + 1);

            // downlink burst from another thread: every packet arrives in a TLS record of its own
            int burst = 200;
            Thread injector = new Thread(() -> {
                for (int i = 0; i < burst; i++) {
                    gateway.edge.downlink.onTunPacket(Ipv4Packets.udp(internal, lease, 10 + i, DataPlane.HEADROOM));
                }
            });
            injector.start();
            for (int i = 0; i < burst; i++) {
                byte[] record = client.readRecord();
                assertThat(record.length).as("record %d holds exactly one frame", i).isEqualTo(8 + 28 + 10 + i);
                assertThat(ByteBuffer.wrap(record).getInt()).isEqualTo(CstpFrame.MAGIC);
                assertThat(record[6]).isEqualTo(CstpFrame.DATA);
            }
            injector.join();
        }
    }

    @Test
    void reconnectWithTheCookieGetsTheSameAddressAndReplacesTheOldConnection() throws Exception {
        String cookie;
        String address;
        RecordTlsClient first = gateway.client();
        cookie = login(first, gateway.token("bob"));
        address = openTunnel(first, cookie).header("X-CSTP-Address").orElseThrow();
        try (RecordTlsClient second = gateway.client()) {
            HttpReply again = openTunnel(second, cookie);
            assertThat(again.header("X-CSTP-Address")).contains(address);
            assertThat(again.header("X-CSTP-Netmask")).contains("255.255.255.0");
            assertThat(first.closedByPeer()).as("the replaced connection is closed").isTrue();
        } finally {
            first.close();
        }
        // after an unclean drop the cookie still works
        try (RecordTlsClient third = gateway.client()) {
            assertThat(openTunnel(third, cookie).header("X-CSTP-Address")).contains(address);
        }
    }

    @Test
    void logoutInvalidatesTheCookieAtOnce() throws Exception {
        String cookie;
        try (RecordTlsClient client = gateway.client()) {
            cookie = login(client, gateway.token("carol"));
            openTunnel(client, cookie);
            byte[] bye = "\u00b0Aborted by caller".getBytes(StandardCharsets.ISO_8859_1);
            client.write(frame(CstpFrame.DISCONNECT, bye));
            assertThat(client.closedByPeer()).isTrue();
        }
        try (RecordTlsClient client = gateway.client()) {
            client.write(connect(cookie));
            assertThat(client.readHttpResponse().status()).isEqualTo(401);
        }
    }

    @Test
    void malformedFrameEndsThatSessionAlone() throws Exception {
        assertMalformedFrameEndsThatSessionAlone(lease -> new byte[]{'X', 'T', 'F', 1, 0, 0, 0, 0});
    }

    @Test
    void dataFrameWhoseIpPacketDoesNotFillItEndsThatSessionAlone() throws Exception {
        assertMalformedFrameEndsThatSessionAlone(lease -> {
            byte[] packet = bytes(Ipv4Packets.udp(lease, Ipv4Address.parse("10.20.0.5"), 200));
            return frame(CstpFrame.DATA, Arrays.copyOf(packet, packet.length + 16));
        });
    }

    /** A victim and a bystander in tunnels; the victim sends {@code malformed(its lease)}. */
    private static void assertMalformedFrameEndsThatSessionAlone(IntFunction<byte[]> malformed) throws Exception {
        try (LogCapture log = LogCapture.start();
             RecordTlsClient victim = gateway.client(); RecordTlsClient bystander = gateway.client()) {
            String victimCookie = login(victim, gateway.token("victim"));
            openTunnel(victim, victimCookie);
            String bystanderCookie = login(bystander, gateway.token("bystander"));
            openTunnel(bystander, bystanderCookie);
            int lease = gateway.server.sessions().find(victimCookie).orElseThrow().leasedAddress();
            victim.write(malformed.apply(lease));
            assertThat(victim.closedByPeer()).isTrue();
            assertThat(gateway.server.sessions().find(victimCookie)).isEmpty();
            bystander.write(frame(CstpFrame.DPD_REQUEST, new byte[0]));
            assertThat(bystander.readRecord()).isEqualTo(frame(CstpFrame.DPD_RESPONSE, new byte[0]));
            assertThat(gateway.server.sessions().find(bystanderCookie)).isPresent();
            // Checked last: the line itself precedes the close the victim saw, but a second one would come from
            // handling that close, which the bystander's round trip gives time to happen.
            assertThat(log.lines(Level.WARN)).filteredOn(line -> line.contains("victim")).singleElement(STRING)
                    .startsWith("WARN session of victim ended: malformed CSTP frame");
        }
    }

    @Test
    void silentTcpProbeIsDroppedWithoutALogLine() throws Exception {
        InetSocketAddress address = gateway.address();
        try (LogCapture log = LogCapture.start()) {
            int silentPort;
            try (Socket probe = new Socket(address.getAddress(), address.getPort())) {
                silentPort = probe.getLocalPort();
            }
            // A client that does send bytes (plain HTTP on the TLS port) is logged. Waiting for that line shows the
            // capture works, and by then the silent probe's earlier close has been handled too.
            try (Socket plain = new Socket(address.getAddress(), address.getPort())) {
                plain.getOutputStream().write("GET / HTTP/1.1\r\nHost: gw\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                log.await(Level.INFO, mentions(plain.getLocalPort()), Duration.ofSeconds(10));
            }
            assertThat(log.lines(Level.INFO)).noneMatch(mentions(silentPort));
        }
        try (RecordTlsClient client = gateway.client()) {
            client.write("GET / HTTP/1.1\r\nHost: gw\r\n\r\n");
            assertThat(client.readHttpResponse().status()).isEqualTo(200);
        }
    }

    /** Log lines name a connection by its remote address, e.g. "/127.0.0.1:40596: ...". */
    private static Predicate<String> mentions(int clientPort) {
        Pattern address = Pattern.compile("127\\.0\\.0\\.1:" + clientPort + "(?!\\d)");
        return line -> address.matcher(line).find();
    }
}
