package io.github.tunnelgw.core.server;

import io.github.tunnelgw.core.cstp.CstpFrame;
import io.github.tunnelgw.core.dataplane.Ipv4Packets;
import io.github.tunnelgw.core.net.Ipv4Address;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static io.github.tunnelgw.core.server.ControlChannelTest.bytes;
import static io.github.tunnelgw.core.server.ControlChannelTest.connect;
import static io.github.tunnelgw.core.server.ControlChannelTest.frame;
import static io.github.tunnelgw.core.server.ControlChannelTest.login;
import static io.github.tunnelgw.core.server.ControlChannelTest.openTunnel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Limits that need a gateway of their own: a tiny pool and short timeouts. */
class GatewayLimitsTest {

    @Test
    void exhaustedPoolRefusesTheNewcomerClearlyAndLeavesOthersAlone(@TempDir Path state) throws Exception {
        // a /30 has exactly one client address: .0 network, .1 gateway, .3 broadcast
        try (TestGateway gateway = new TestGateway(state, "10.250.0.0/30", "");
             RecordTlsClient first = gateway.client(); RecordTlsClient second = gateway.client()) {
            String firstCookie = login(first, gateway.token("first"));
            assertThat(openTunnel(first, firstCookie).header("X-CSTP-Address")).contains("10.250.0.2");
            String secondCookie = login(second, gateway.token("second"));
            second.write(connect(secondCookie));
            HttpReply refused = second.readHttpResponse();
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.header("Content-Length")).contains("0");
            SecurityHeaders.assertCarriedBy(refused);
            assertThat(refused.header("X-Reason")).hasValueSatisfying(r -> assertThat(r).contains("address"));
            assertThat(second.closedByPeer()).isTrue();
            assertThat(gateway.server.metrics().scrape()).contains("gateway_pool_exhausted_total 1.0");
            first.write(frame(CstpFrame.DPD_REQUEST, new byte[0]));
            assertThat(first.readRecord()).hasSize(8);
            // the address comes back when the first session ends, and the waiting session can then connect
            first.write(frame(CstpFrame.DISCONNECT, new byte[]{(byte) 0xB0}));
            assertThat(first.closedByPeer()).isTrue();
            try (RecordTlsClient retry = gateway.client()) {
                assertThat(openTunnel(retry, secondCookie).header("X-CSTP-Address")).contains("10.250.0.2");
            }
        }
    }

    @Test
    void connectionWithoutTunnelIsClosedAfterTheAuthTimeout(@TempDir Path state) throws Exception {
        try (TestGateway gateway = new TestGateway(state, "timeouts: { auth: 1s }\n");
             RecordTlsClient idle = gateway.client()) {
            long start = System.nanoTime();
            assertThat(idle.closedByPeer()).isTrue();
            assertThat((System.nanoTime() - start) / 1_000_000).isBetween(500L, 5_000L);
        }
    }

    @Test
    void idleTimeoutSendsDisconnectAndKeepsTheCookie(@TempDir Path state) throws Exception {
        try (TestGateway gateway = new TestGateway(state, "timeouts: { idle: 1s }\n")) {
            String cookie;
            String address;
            try (RecordTlsClient client = gateway.client()) {
                cookie = login(client, gateway.token("sleepy"));
                address = openTunnel(client, cookie).header("X-CSTP-Address").orElseThrow();
                assertThat(client.readRecord()).as("server DISCONNECT").isEqualTo(frame(CstpFrame.DISCONNECT, new byte[0]));
                assertThat(client.closedByPeer()).isTrue();
            }
            try (RecordTlsClient again = gateway.client()) {
                assertThat(openTunnel(again, cookie).header("X-CSTP-Address")).contains(address);
            }
        }
    }

    @Test
    // The client's reads have no deadline of their own: without expiry the connection would stay open forever.
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void sessionTimeoutSendsDisconnectOnTheWireAndInvalidatesTheCookie(@TempDir Path state) throws Exception {
        try (TestGateway gateway = new TestGateway(state, "timeouts: { session: 1s }\n")) {
            String cookie;
            long beforeLogin = System.nanoTime();
            try (RecordTlsClient client = gateway.client()) {
                cookie = login(client, gateway.token("hourly"));
                openTunnel(client, cookie);
                assertThat(client.recordsUntilClosed()).as("everything the gateway sent after the CONNECT response")
                        .containsExactly(frame(CstpFrame.DISCONNECT, new byte[0]));
            }
            long lifetimeMillis = (System.nanoTime() - beforeLogin) / 1_000_000;
            // the session cannot end before its timeout, and the periodic expiry check runs every 5 s
            assertThat(lifetimeMillis).as("time from login to the server's DISCONNECT").isBetween(1_000L, 12_000L);
            assertThat(gateway.server.sessions().find(cookie)).as("the session is gone").isEmpty();
            try (RecordTlsClient again = gateway.client()) {
                again.write(connect(cookie));
                assertThat(again.readHttpResponse().statusLine()).isEqualTo("HTTP/1.1 401 Cookie is not acceptable");
            }
        }
    }

    @Test
    void dataKeepsASessionFromIdlingOutAndTheIdleTimeCountsFromTheLastPacket(@TempDir Path state) throws Exception {
        try (TestGateway gateway = new TestGateway(state, "timeouts: { idle: 1s }\n");
             RecordTlsClient client = gateway.client()) {
            String cookie = login(client, gateway.token("busy"));
            int lease = Ipv4Address.parse(openTunnel(client, cookie).header("X-CSTP-Address").orElseThrow());
            byte[] packet = bytes(Ipv4Packets.udp(lease, Ipv4Address.parse("10.20.0.5"), 20));
            long quietFrom = keepTalking(client, frame(CstpFrame.DATA, packet), Duration.ofSeconds(3));
            assertThat(client.readRecord()).as("server DISCONNECT").isEqualTo(frame(CstpFrame.DISCONNECT, new byte[0]));
            // 1 s after the last packet at the earliest; a tick every 333 ms notices it
            assertThat((System.nanoTime() - quietFrom) / 1_000_000).isBetween(700L, 3_000L);
        }
    }

    @Test
    void framesKeepAPeerFromLookingDeadAndDpdCountsFromTheLastFrame(@TempDir Path state) throws Exception {
        try (TestGateway gateway = new TestGateway(state, "timeouts: { dpd: 1s }\n");
             RecordTlsClient client = gateway.client()) {
            openTunnel(client, login(client, gateway.token("chatty")));
            long quietFrom = keepTalking(client, frame(CstpFrame.KEEPALIVE, new byte[0]), Duration.ofSeconds(3));
            assertThat(client.readRecord()).as("server DPD request").isEqualTo(frame(CstpFrame.DPD_REQUEST, new byte[0]));
            // 2×DPD after the last frame at the earliest
            assertThat((System.nanoTime() - quietFrom) / 1_000_000).isBetween(1_700L, 4_000L);
        }
    }

    /**
     * Sends {@code frame} every 250 ms for {@code duration}, asserting that the gateway sends nothing meanwhile.
     *
     * @return when the client went quiet (after the last frame), as {@link System#nanoTime()}
     */
    private static long keepTalking(RecordTlsClient client, byte[] frame, Duration duration) throws Exception {
        client.readTimeout(Duration.ofMillis(250));
        long until = System.nanoTime() + duration.toNanos();
        long lastSent = 0;
        while (System.nanoTime() < until) {
            client.write(frame);
            lastSent = System.nanoTime();
            assertThatThrownBy(client::readRecord).as("nothing from the gateway while the client talks")
                    .isInstanceOf(SocketTimeoutException.class);
        }
        client.readTimeout(Duration.ofSeconds(10));
        return lastSent;
    }

    @Test
    void silentPeerGetsADpdRequestAndIsThenDropped(@TempDir Path state) throws Exception {
        try (TestGateway gateway = new TestGateway(state, "timeouts: { dpd: 1s }\n");
             RecordTlsClient client = gateway.client()) {
            String cookie = login(client, gateway.token("silent"));
            openTunnel(client, cookie);
            assertThat(client.readRecord()).as("server DPD request").isEqualTo(frame(CstpFrame.DPD_REQUEST, new byte[0]));
            assertThat(client.closedByPeer()).isTrue();
            assertThat(gateway.server.sessions().find(cookie)).as("dead peer keeps its cookie").isPresent();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (gateway.server.sessions().connectedCount() != 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(gateway.server.sessions().connectedCount()).as("detached once the connection is gone").isZero();
        }
    }
}
