package io.github.tunnelgw.core.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.github.tunnelgw.core.cstp.CstpFrame;
import io.github.tunnelgw.core.dataplane.DataPlane;
import io.github.tunnelgw.core.dataplane.DataPlaneCounters;
import io.github.tunnelgw.core.dataplane.Ipv4Packets;
import io.github.tunnelgw.core.net.Ipv4Address;
import io.github.tunnelgw.core.dtls.ClientHellos;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static io.github.tunnelgw.core.server.ControlChannelTest.bytes;
import static io.github.tunnelgw.core.server.ControlChannelTest.frame;
import static io.github.tunnelgw.core.server.ControlChannelTest.login;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The DTLS data channel against the real UDP listener of a loopback gateway, with a Bouncy Castle DTLS client keyed
 * by the TLS exporter of the client's own control connection: negotiation headers, handshake, framing, MTU-probe
 * echo, uplink through anti-spoofing, downlink switching between DTLS and CSTP, reconnect, and junk datagrams.
 */
class DtlsChannelTest {
    private static final String PSK_LABEL = "EXPORTER-openconnect-psk";
    private static final String CLIENT_SUITES = "PSK-NEGOTIATE:OC-DTLS1_2-AES256-GCM:OC-DTLS1_2-AES128-GCM:AES256-SHA";
    private static final int INTERNAL = Ipv4Address.parse("10.201.0.2");
    /** The gateway's DTLS handshake timeout (OpenconnectPskServer): a handshake that never finishes ends then. */
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    static Path state;
    static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = new TestGateway(state, "timeouts: { dpd: 2s }\n");
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    static String connectOfferingDtls(String cookie) {
        return "CONNECT /CSCOSSLC/tunnel HTTP/1.1\r\nHost: gw\r\nUser-Agent: Open AnyConnect VPN Agent v9.01-3\r\n"
                + "Cookie: webvpn=" + cookie + "\r\nX-CSTP-Version: 1\r\nX-CSTP-Base-MTU: 1500\r\n"
                + "X-CSTP-Address-Type: IPv6,IPv4\r\nX-DTLS-Master-Secret: " + "00".repeat(48) + "\r\n"
                + "X-DTLS-CipherSuite: " + CLIENT_SUITES + "\r\n"
                + "X-DTLS12-CipherSuite: ECDHE-RSA-AES256-GCM-SHA384:AES256-GCM-SHA384\r\n\r\n";
    }

    /** A logged-in client with its tunnel open and DTLS negotiated. */
    private record Tunnel(RecordTlsClient tls, HttpReply reply, int lease, byte[] psk) {
        InetSocketAddress dtlsAddress() {
            return new InetSocketAddress("127.0.0.1", Integer.parseInt(reply.header("X-DTLS-Port").orElseThrow()));
        }

        String appId() {
            return reply.header("X-DTLS-App-ID").orElseThrow();
        }

        /** A DTLS channel for this tunnel, keyed by its TLS exporter. */
        DtlsTestClient connectDtls() throws java.io.IOException {
            return DtlsTestClient.connect(dtlsAddress(), appId(), psk);
        }
    }

    private static Tunnel openTunnel(String user) throws Exception {
        return openTunnel(gateway, user);
    }

    private static Tunnel openTunnel(TestGateway gateway, String user) throws Exception {
        RecordTlsClient client = gateway.client();
        String cookie = login(client, gateway.token(user));
        client.write(connectOfferingDtls(cookie));
        String head = new String(client.readRecord(), StandardCharsets.ISO_8859_1);
        assertThat(head).startsWith("HTTP/1.1 200 CONNECTED\r\n");
        HttpReply reply = HttpReply.parseHead(head.substring(0, head.length() - 4));
        int lease = Ipv4Address.parse(reply.header("X-CSTP-Address").orElseThrow());
        return new Tunnel(client, reply, lease, client.exportKeyingMaterial(PSK_LABEL, 32));
    }

    @Test
    void connectResponseOffersPskNegotiateWithAFreshAppIdAndTheDtlsMtu() throws Exception {
        Tunnel first = openTunnel("negotiation");
        Tunnel second = openTunnel("negotiation2");
        try {
            HttpReply reply = first.reply();
            assertThat(reply.header("X-DTLS-CipherSuite")).contains("PSK-NEGOTIATE");
            assertThat(reply.header("X-DTLS-Port")).contains(String.valueOf(gateway.address().getPort()));
            assertThat(reply.header("X-DTLS-App-ID").orElseThrow()).matches("[0-9a-f]{64}");
            assertThat(reply.header("X-DTLS-DPD")).contains("2");
            assertThat(reply.header("X-DTLS-Keepalive")).isPresent();
            assertThat(reply.header("X-CSTP-Base-MTU")).contains("1500");
            assertThat(reply.header("X-CSTP-MTU")).as("1500 - 20 - 8 - (13 + 8 + 16 + 1)").contains("1434");
            assertThat(second.appId()).isNotEqualTo(first.appId());
        } finally {
            first.tls().close();
            second.tls().close();
        }
    }

    /**
     * A packet from the tun reader has the room a record needs around it, and the record is built where the packet
     * lies: the datagram the client receives is, byte for byte, what the packet's own buffer holds afterwards. A
     * packet without that room is copied, and its buffer is left as it was.
     */
    @Test
    void aPacketWithRoomIsSealedWhereItLiesAndOneWithoutIsCopied() throws Exception {
        Tunnel tunnel = openTunnel("dtls-in-place");
        try (RecordTlsClient tls = tunnel.tls();
             DtlsTestClient dtls = tunnel.connectDtls()) {
            dtls.send((byte) 0x03, new byte[0]); // the downlink takes DTLS once the client has used it
            assertThat(receiveSkippingDpd(dtls)).containsExactly(0x04);
            ByteBuf fromTun = Ipv4Packets.udpFromTun(INTERNAL, tunnel.lease(), 200).retain();
            try {
                byte[] packet = ByteBufUtil.getBytes(fromTun);
                gateway.edge.downlink.onTunPacket(fromTun);
                byte[] down = receiveSkippingDpd(dtls);
                assertThat(down).isNotNull().hasSize(1 + packet.length);
                assertThat(Arrays.copyOfRange(down, 1, down.length)).isEqualTo(packet);
                byte[] datagram = dtls.lastReceivedDatagram();
                assertThat(datagram).hasSize(DataPlane.HEADROOM + packet.length + DataPlane.TAILROOM);
                assertThat(ByteBufUtil.getBytes(fromTun, 0, fromTun.capacity()))
                        .as("the record was sealed in the packet's own buffer").isEqualTo(datagram);
            } finally {
                fromTun.release();
            }

            ByteBuf noRoom = Ipv4Packets.udp(INTERNAL, tunnel.lease(), 201, DataPlane.HEADROOM).retain();
            try {
                byte[] before = ByteBufUtil.getBytes(noRoom, 0, noRoom.capacity());
                gateway.edge.downlink.onTunPacket(noRoom);
                byte[] down = receiveSkippingDpd(dtls);
                assertThat(down).isNotNull().hasSize(1 + 28 + 201);
                assertThat(Arrays.copyOfRange(down, 1, down.length))
                        .isEqualTo(Arrays.copyOfRange(before, DataPlane.HEADROOM, before.length));
                assertThat(ByteBufUtil.getBytes(noRoom, 0, noRoom.capacity())).as("copied, not touched").isEqualTo(before);
            } finally {
                noRoom.release();
            }
        }
    }

    /** The next payload that is not the gateway's DPD request (it probes a client that has sent nothing yet). */
    private static byte[] receiveSkippingDpd(DtlsTestClient dtls) throws Exception {
        for (int i = 0; i < 10; i++) {
            byte[] payload = dtls.receive(5000);
            if (payload == null || payload.length != 1 || payload[0] != 0x03) {
                return payload;
            }
        }
        throw new AssertionError("only DPD requests");
    }

    @Test
    void dataCrossesDtlsBothWaysAndMtuProbesAreEchoedByteForByte() throws Exception {
        Tunnel tunnel = openTunnel("dtls-data");
        try (RecordTlsClient tls = tunnel.tls();
             DtlsTestClient dtls = tunnel.connectDtls()) {
            // MTU probe: DPD_OUT of the tunnel MTU + 1 bytes comes back identical but for the type
            byte[] probe = new byte[1434];
            ByteBuffer.wrap(probe).putInt(0x114aeed4);
            dtls.send((byte) 0x03, probe);
            byte[] echo = dtls.receive(5000);
            assertThat(echo).isNotNull().hasSize(1435);
            assertThat(echo[0]).isEqualTo((byte) 0x04);
            assertThat(Arrays.copyOfRange(echo, 1, echo.length)).isEqualTo(probe);
            // DTLS DPD: a 1-byte request gets a 1-byte response
            dtls.send((byte) 0x03, new byte[0]);
            assertThat(dtls.receive(5000)).containsExactly(0x04);

            // uplink over DTLS: own source forwarded, spoofed source dropped
            DataPlaneCounters counters = gateway.server.counters();
            long spoofed = counters.spoofedDropped.sum();
            byte[] own = bytes(Ipv4Packets.udp(tunnel.lease(), INTERNAL, 300));
            dtls.send((byte) 0x00, bytes(Ipv4Packets.udp(tunnel.lease() + 1, INTERNAL, 300)));
            dtls.send((byte) 0x00, own);
            assertThat(gateway.edge.uplink.poll(5, TimeUnit.SECONDS)).isEqualTo(own);
            await("spoofed DTLS packet counted", () -> counters.spoofedDropped.sum() == spoofed + 1);

            // downlink goes over DTLS now that DTLS is alive
            long dtlsDown = counters.dtlsDownlinkPackets.sum();
            gateway.edge.downlink.onTunPacket(Ipv4Packets.udp(INTERNAL, tunnel.lease(), 100, DataPlane.HEADROOM));
            byte[] down = dtls.receive(5000);
            assertThat(down).isNotNull().hasSize(1 + 28 + 100);
            assertThat(down[0]).isEqualTo((byte) 0x00);
            assertThat(counters.dtlsDownlinkPackets.sum()).isEqualTo(dtlsDown + 1);
            // sealed by the gateway's own AES-GCM record layer (its sequence numbers start at 2^24 in epoch 1),
            // and Bouncy Castle's client opened it; the client's records above were opened by that layer too
            ByteBuffer header = ByteBuffer.wrap(dtls.lastReceivedDatagram());
            assertThat(header.get(0)).as("application data").isEqualTo((byte) 23);
            assertThat(header.getShort(3)).as("epoch").isEqualTo((short) 1);
            assertThat(header.getLong(3) & 0xFFFF_FFFF_FFFFL).as("sequence number").isGreaterThanOrEqualTo(1L << 24);

            // the client sends DATA over CSTP: the downlink follows it to CSTP, and both count as CSTP traffic
            long cstpUpBytes = counters.cstpUplinkBytes.sum();
            long cstpUpPackets = counters.cstpUplinkPackets.sum();
            long cstpDownBytes = counters.cstpDownlinkBytes.sum();
            long cstpDownPackets = counters.cstpDownlinkPackets.sum();
            long dtlsUpBytes = counters.dtlsUplinkBytes.sum();
            long dtlsDownBytes = counters.dtlsDownlinkBytes.sum();
            tls.write(frame(CstpFrame.DATA, own));
            assertThat(gateway.edge.uplink.poll(5, TimeUnit.SECONDS)).isEqualTo(own);
            assertThat(counters.cstpUplinkBytes.sum()).isEqualTo(cstpUpBytes + own.length);
            assertThat(counters.cstpUplinkPackets.sum()).isEqualTo(cstpUpPackets + 1);
            gateway.edge.downlink.onTunPacket(Ipv4Packets.udp(INTERNAL, tunnel.lease(), 101, DataPlane.HEADROOM));
            byte[] overCstp = nextDataFrame(tls);
            assertThat(overCstp).hasSize(8 + 28 + 101);
            assertThat(overCstp[6]).isEqualTo(CstpFrame.DATA);
            assertThat(counters.cstpDownlinkBytes.sum()).isEqualTo(cstpDownBytes + 28 + 101);
            assertThat(counters.cstpDownlinkPackets.sum()).isEqualTo(cstpDownPackets + 1);
            assertThat(counters.dtlsUplinkBytes.sum()).as("nothing of it counted as DTLS").isEqualTo(dtlsUpBytes);
            assertThat(counters.dtlsDownlinkBytes.sum()).isEqualTo(dtlsDownBytes);

            // valid DTLS traffic again (a keepalive): back to DTLS
            dtls.send((byte) 0x07, new byte[0]);
            await("downlink back on DTLS", () -> {
                gateway.edge.downlink.onTunPacket(Ipv4Packets.udp(INTERNAL, tunnel.lease(), 102, DataPlane.HEADROOM));
                try {
                    byte[] record = dtls.receive(200);
                    return record != null && record.length == 1 + 28 + 102;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
        }
    }

    @Test
    void silentDtlsFallsBackToCstp() throws Exception {
        Tunnel tunnel = openTunnel("dtls-silent");
        try (RecordTlsClient tls = tunnel.tls();
             DtlsTestClient dtls = tunnel.connectDtls()) {
            dtls.send((byte) 0x07, new byte[0]);
            Thread.sleep(200);
            gateway.edge.downlink.onTunPacket(Ipv4Packets.udp(INTERNAL, tunnel.lease(), 50, DataPlane.HEADROOM));
            assertThat(nextDtlsData(dtls)).hasSize(1 + 28 + 50);
            // dpd is 2 s, so after ~2 s of DTLS silence the downlink goes back to the TLS channel
            Thread.sleep(3500);
            gateway.edge.downlink.onTunPacket(Ipv4Packets.udp(INTERNAL, tunnel.lease(), 51, DataPlane.HEADROOM));
            assertThat(nextDataFrame(tls)).hasSize(8 + 28 + 51);
        }
    }

    @Test
    void aDisconnectOverDtlsMovesTheDownlinkToCstpAtOnce() throws Exception {
        Tunnel tunnel = openTunnel("dtls-disconnect");
        try (RecordTlsClient tls = tunnel.tls();
             DtlsTestClient dtls = tunnel.connectDtls()) {
            assertCarriesDataBothWays(tunnel, dtls);
            dtls.send((byte) 0x05, new byte[]{(byte) 0xB0});
            Thread.sleep(300);
            // well before the silence fallback (dpd 2 s, and the DISCONNECT itself was valid traffic), the downlink
            // is on the TLS channel again: a packet sent over DTLS now would never show up there
            gateway.edge.downlink.onTunPacket(Ipv4Packets.udp(INTERNAL, tunnel.lease(), 52, DataPlane.HEADROOM));
            assertThat(nextDataFrame(tls)).hasSize(8 + 28 + 52);
        }
    }

    @Test
    void aNewHandshakeForTheSessionReplacesTheOldDtlsChannel() throws Exception {
        Tunnel tunnel = openTunnel("dtls-rehandshake");
        try (RecordTlsClient tls = tunnel.tls();
             DtlsTestClient first = tunnel.connectDtls()) {
            first.send((byte) 0x07, new byte[0]);
            try (DtlsTestClient second = tunnel.connectDtls()) {
                second.send((byte) 0x07, new byte[0]);
                Thread.sleep(200);
                gateway.edge.downlink.onTunPacket(Ipv4Packets.udp(INTERNAL, tunnel.lease(), 60, DataPlane.HEADROOM));
                assertThat(nextDtlsData(second)).hasSize(1 + 28 + 60);
                byte[] own = bytes(Ipv4Packets.udp(tunnel.lease(), INTERNAL, 30));
                second.send((byte) 0x00, own);
                assertThat(gateway.edge.uplink.poll(5, TimeUnit.SECONDS)).isEqualTo(own);

                // the old channel is gone: its records are refused, and the downlink did not go to its port
                long undecryptable = gateway.server.counters().dtlsUndecryptableDropped.sum();
                first.send((byte) 0x00, own);
                await("the old channel's record refused",
                        () -> gateway.server.counters().dtlsUndecryptableDropped.sum() > undecryptable);
                assertThat(gateway.edge.uplink.poll(300, TimeUnit.MILLISECONDS)).isNull();
                // the gateway ended the old channel with a close_notify, on which the client closed its side
                assertThatThrownBy(() -> first.receive(300)).isInstanceOf(java.io.IOException.class);
            }
        }
    }

    @Test
    void aSilentPeerIsProbedWithDpdAndItsChannelEndsAfterThreeIntervals() throws Exception {
        Tunnel tunnel = openTunnel("dtls-dead-peer");
        try (RecordTlsClient tls = tunnel.tls();
             DtlsTestClient dtls = tunnel.connectDtls()) {
            long lastSent = System.nanoTime();
            byte[] own = bytes(Ipv4Packets.udp(tunnel.lease(), INTERNAL, 20));
            dtls.send((byte) 0x00, own);
            // forwarded, so the gateway took it as valid traffic no earlier than lastSent
            assertThat(gateway.edge.uplink.poll(5, TimeUnit.SECONDS)).isEqualTo(own);
            // dpd is 2 s: the gateway asks after 2 s of silence, and gives the channel up after 6 s
            byte[] probe = dtls.receive(4000);
            assertThat(probe).as("a DTLS DPD request from the gateway").isNotNull();
            assertThat(probe[0]).isEqualTo((byte) 0x03);
            boolean closed = false;
            while (!closed && System.nanoTime() - lastSent < TimeUnit.SECONDS.toNanos(12)) {
                tls.write(frame(CstpFrame.KEEPALIVE, new byte[0])); // the TLS channel stays alive, only DTLS is silent
                try {
                    byte[] record = dtls.receive(1000);
                    if (record != null) {
                        assertThat(record[0]).as("only DPD requests while silent").isEqualTo((byte) 0x03);
                    }
                } catch (java.io.IOException e) {
                    closed = true; // the gateway's close_notify
                }
            }
            assertThat(closed).as("the gateway ended the silent channel").isTrue();
            assertThat(System.nanoTime() - lastSent).as("not before three DPD intervals")
                    .isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(6));
            // the session carries on over CSTP
            gateway.edge.downlink.onTunPacket(Ipv4Packets.udp(INTERNAL, tunnel.lease(), 53, DataPlane.HEADROOM));
            assertThat(nextDataFrame(tls)).hasSize(8 + 28 + 53);
        }
    }

    @Test
    void everyConnectOfASessionGetsAFreshAppId() throws Exception {
        RecordTlsClient client = gateway.client();
        String cookie = login(client, gateway.token("dtls-fresh-app-id"));
        java.util.Set<String> appIds = new java.util.HashSet<>();
        for (int i = 0; i < 3; i++) {
            try (RecordTlsClient connection = i == 0 ? client : gateway.client()) {
                connection.write(connectOfferingDtls(cookie));
                String head = new String(connection.readRecord(), StandardCharsets.ISO_8859_1);
                assertThat(head).startsWith("HTTP/1.1 200 CONNECTED\r\n");
                appIds.add(HttpReply.parseHead(head.substring(0, head.length() - 4)).header("X-DTLS-App-ID").orElseThrow());
            }
        }
        assertThat(appIds).as("App-IDs of three CONNECTs with one cookie").hasSize(3);
    }

    @Test
    void wrongPskFailsTheHandshakeAndTheTunnelStaysOnCstp() throws Exception {
        Tunnel tunnel = openTunnel("dtls-wrong-psk");
        long failed = gateway.server.counters().dtlsHandshakesFailed.sum();
        try (RecordTlsClient tls = tunnel.tls()) {
            byte[] wrong = tunnel.psk().clone();
            wrong[0] ^= 1;
            try {
                DtlsTestClient.connect(tunnel.dtlsAddress(), tunnel.appId(), wrong, 2000).close();
                throw new AssertionError("handshake with the wrong PSK succeeded");
            } catch (java.io.IOException expected) {
                // bad_record_mac / decrypt_error on the Finished
            }
            // the gateway drops the undecryptable Finished as DTLS must, so its handshake ends by timeout;
            // CSTP keepalives keep the TLS connection alive meanwhile
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (gateway.server.counters().dtlsHandshakesFailed.sum() == failed) {
                assertThat(System.nanoTime()).as("failed handshake counted").isLessThan(deadline);
                tls.write(frame(CstpFrame.KEEPALIVE, new byte[0]));
                Thread.sleep(500);
            }
            gateway.edge.downlink.onTunPacket(Ipv4Packets.udp(INTERNAL, tunnel.lease(), 70, DataPlane.HEADROOM));
            assertThat(nextDataFrame(tls)).hasSize(8 + 28 + 70);
        }
    }

    @Test
    void junkAndUnknownSessionsAreDroppedAndCountedWithoutDisturbingALiveChannel() throws Exception {
        Tunnel tunnel = openTunnel("dtls-junk");
        DataPlaneCounters counters = gateway.server.counters();
        try (RecordTlsClient tls = tunnel.tls();
             DtlsTestClient dtls = tunnel.connectDtls();
             DatagramSocket attacker = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            long garbage = counters.dtlsGarbageDropped.sum();
            long unknown = counters.dtlsUnknownSessionDropped.sum();
            long oversized = counters.dtlsOversizedHelloDropped.sum();
            InetSocketAddress target = tunnel.dtlsAddress();
            attacker.send(new DatagramPacket(new byte[]{1, 2, 3}, 3, target));
            byte[] junk = new byte[200];
            Arrays.fill(junk, (byte) 0x41);
            attacker.send(new DatagramPacket(junk, junk.length, target));
            byte[] unknownHello = ClientHellos.hello(new byte[32], ClientHellos.randomId(), null);
            attacker.send(new DatagramPacket(unknownHello, unknownHello.length, target));
            byte[] fragmented = ClientHellos.fragmented(ClientHellos.hello(new byte[32], ClientHellos.hex(tunnel.appId()), null));
            attacker.send(new DatagramPacket(fragmented, fragmented.length, target));
            byte[] fakeAppData = new byte[100];
            fakeAppData[0] = 23;
            fakeAppData[1] = (byte) 0xFE;
            fakeAppData[2] = (byte) 0xFD;
            fakeAppData[4] = 1;
            attacker.send(new DatagramPacket(fakeAppData, fakeAppData.length, target));

            await("junk counted", () -> counters.dtlsGarbageDropped.sum() >= garbage + 2
                    && counters.dtlsUnknownSessionDropped.sum() >= unknown + 1
                    && counters.dtlsOversizedHelloDropped.sum() >= oversized + 1);

            assertCarriesDataBothWays(tunnel, dtls);
        }
    }

    @Test
    void aNewSourcePortTakesOverOnlyWithARecordThatDecryptsUnderTheSessionKeys() throws Exception {
        underAttack("dtls-rebinding", (tunnel, dtls, genuine, attacker) -> {
            DataPlaneCounters counters = gateway.server.counters();
            byte[] own = bytes(Ipv4Packets.udp(tunnel.lease(), INTERNAL, 20));
            InetSocketAddress original = dtls.localAddress();

            // from another port of the same address: a forged record and a replay of a genuine one
            long undecryptable = counters.dtlsUndecryptableDropped.sum();
            byte[] forged = genuine.clone();
            forged[forged.length - 1] ^= 1;
            attacker.send(new DatagramPacket(forged, forged.length, tunnel.dtlsAddress()));
            attacker.send(new DatagramPacket(genuine, genuine.length, tunnel.dtlsAddress()));
            await("forged and replayed records refused", () -> counters.dtlsUndecryptableDropped.sum() >= undecryptable + 2);
            assertThat(gateway.edge.uplink.poll(300, TimeUnit.MILLISECONDS)).as("the replay was not forwarded").isNull();
            // the association did not move: the downlink still reaches the original port
            gateway.edge.downlink.onTunPacket(Ipv4Packets.udp(INTERNAL, tunnel.lease(), 90, DataPlane.HEADROOM));
            assertThat(nextDtlsData(dtls)).as("downlink at %s", original).hasSize(1 + 28 + 90);
            attacker.setSoTimeout(300);
            assertThatThrownBy(() -> attacker.receive(new DatagramPacket(new byte[2048], 2048)))
                    .as("nothing was sent to the attacker's port").isInstanceOf(java.net.SocketTimeoutException.class);

            // the real client moves to a new port with its keys: its first record moves the association
            dtls.rebindToNewPort();
            assertThat(dtls.localAddress()).isNotEqualTo(original);
            dtls.send((byte) 0x00, own);
            assertThat(gateway.edge.uplink.poll(5, TimeUnit.SECONDS)).isEqualTo(own);
            gateway.edge.downlink.onTunPacket(Ipv4Packets.udp(INTERNAL, tunnel.lease(), 91, DataPlane.HEADROOM));
            assertThat(nextDtlsData(dtls)).as("downlink follows to %s", dtls.localAddress()).hasSize(1 + 28 + 91);
        });
    }

    /** GnuTLS also offers AES-128-GCM; the gateway's own record layer then runs with 16-byte keys. */
    @Test
    void anAes128GcmChannelCarriesDataBothWays() throws Exception {
        Tunnel tunnel = openTunnel("dtls-aes128");
        try (RecordTlsClient tls = tunnel.tls();
             DtlsTestClient dtls = DtlsTestClient.connect(tunnel.dtlsAddress(), tunnel.appId(), tunnel.psk(), 10_000,
                     org.bouncycastle.tls.CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256)) {
            assertCarriesDataBothWays(tunnel, dtls);
            dtls.send((byte) 0x03, new byte[]{4, 5, 6});
            assertThat(dtls.receive(5000)).as("DPD response").containsExactly(0x04, 4, 5, 6);
        }
    }

    /** Phones behind one carrier-grade NAT share an address: each one's records from a new port move its own channel. */
    @Test
    void twoClientsOfOneAddressEachMoveTheirOwnChannelToANewPort() throws Exception {
        Tunnel first = openTunnel("dtls-cgnat-1");
        Tunnel second = openTunnel("dtls-cgnat-2");
        try (RecordTlsClient tls1 = first.tls(); RecordTlsClient tls2 = second.tls();
             DtlsTestClient dtls1 = first.connectDtls(); DtlsTestClient dtls2 = second.connectDtls()) {
            assertCarriesDataBothWays(first, dtls1);
            assertCarriesDataBothWays(second, dtls2);
            dtls1.rebindToNewPort();
            dtls2.rebindToNewPort();
            assertCarriesDataBothWays(first, dtls1);
            assertCarriesDataBothWays(second, dtls2);
        }
    }

    /**
     * Records that are not the channel's own (application data or alerts of epoch 1) used to go to Bouncy Castle's
     * record layer, which still held the channel's keys: a malformed epoch-1 handshake record failed it and with it
     * the channel, and a captured application record behind a record BC skips was decrypted past the replay window
     * and moved the channel to the sender's port. Both are sent here from the client's own port and from another one.
     */
    @Test
    void forgedNonApplicationRecordsNeitherEndTheChannelNorReplayOrMoveIt() throws Exception {
        underAttack("dtls-forged", (tunnel, dtls, genuine, attacker) -> {
            DataPlaneCounters counters = gateway.server.counters();
            InetSocketAddress original = dtls.localAddress();

            byte[] skipped = record(23, 0, new byte[8]); // application data in epoch 0: BC discards it
            byte[] emptyEncryptedHandshake = record(22, 1, new byte[0]);
            long undecryptable = counters.dtlsUndecryptableDropped.sum();
            dtls.sendRaw(emptyEncryptedHandshake);
            dtls.sendRaw(concat(skipped, genuine));
            byte[] failing = concat(skipped, emptyEncryptedHandshake);
            attacker.send(new DatagramPacket(failing, failing.length, tunnel.dtlsAddress()));
            byte[] replay = concat(skipped, genuine);
            attacker.send(new DatagramPacket(replay, replay.length, tunnel.dtlsAddress()));
            // the first one goes to Bouncy Castle, which may fail on it or skip it; the other three are counted
            await("forged datagrams dropped", () -> counters.dtlsUndecryptableDropped.sum() >= undecryptable + 3);

            assertThat(gateway.edge.uplink.poll(300, TimeUnit.MILLISECONDS)).as("the captured record was not replayed").isNull();
            assertThat(dtls.localAddress()).isEqualTo(original);
            assertCarriesDataBothWays(tunnel, dtls);
            attacker.setSoTimeout(300);
            assertThatThrownBy(() -> attacker.receive(new DatagramPacket(new byte[2048], 2048)))
                    .as("nothing was sent to the attacker's port").isInstanceOf(java.net.SocketTimeoutException.class);
        });
    }

    /** A test given a live DTLS channel, one of its datagrams as it went on the wire, and another port of its address. */
    private interface ChannelUnderAttack {
        void run(Tunnel tunnel, DtlsTestClient dtls, byte[] genuine, DatagramSocket attacker) throws Exception;
    }

    private static void underAttack(String user, ChannelUnderAttack test) throws Exception {
        Tunnel tunnel = openTunnel(user);
        try (RecordTlsClient tls = tunnel.tls();
             DtlsTestClient dtls = tunnel.connectDtls();
             DatagramSocket attacker = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            test.run(tunnel, dtls, forwardedDatagram(tunnel, dtls), attacker);
        }
    }

    /** Sends one uplink packet over DTLS, checks it was forwarded and returns its datagram as it went on the wire. */
    private static byte[] forwardedDatagram(Tunnel tunnel, DtlsTestClient dtls) throws Exception {
        byte[] own = bytes(Ipv4Packets.udp(tunnel.lease(), INTERNAL, 20));
        dtls.send((byte) 0x00, own);
        assertThat(gateway.edge.uplink.poll(5, TimeUnit.SECONDS)).isEqualTo(own);
        return dtls.lastSentDatagram();
    }

    /** A DTLS 1.2 record of {@code type} in {@code epoch} with sequence number 0. */
    private static byte[] record(int type, int epoch, byte[] body) {
        byte[] record = new byte[13 + body.length];
        record[0] = (byte) type;
        record[1] = (byte) 0xFE;
        record[2] = (byte) 0xFD;
        record[4] = (byte) epoch;
        record[11] = (byte) (body.length >> 8);
        record[12] = (byte) body.length;
        System.arraycopy(body, 0, record, 13, body.length);
        return record;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    @Test
    void helloForAClosedTunnelIsAnUnknownSession() throws Exception {
        Tunnel tunnel = openTunnel("dtls-closed");
        tunnel.tls().close();
        Thread.sleep(500); // the ticket is retired when the gateway sees the TCP connection close
        long unknown = gateway.server.counters().dtlsUnknownSessionDropped.sum();
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            byte[] hello = ClientHellos.hello(new byte[32], ClientHellos.hex(tunnel.appId()), null);
            socket.send(new DatagramPacket(hello, hello.length, tunnel.dtlsAddress()));
            await("unknown session counted", () -> gateway.server.counters().dtlsUnknownSessionDropped.sum() > unknown);
        }
    }

    @Test
    void halfOpenHandshakesDoNotStallEstablishedChannels() throws Exception {
        // Bouncy Castle's accept blocks until the client's next flight: were it run on the event loop that carries
        // every DTLS datagram, two clients that stop after their ClientHello would freeze all channels for the
        // handshake timeout (10 s).
        Tunnel live = openTunnel("dtls-live");
        Tunnel stalledA = openTunnel("dtls-stalled-a");
        Tunnel stalledB = openTunnel("dtls-stalled-b");
        try (RecordTlsClient tls = live.tls(); RecordTlsClient a = stalledA.tls(); RecordTlsClient b = stalledB.tls();
             DtlsTestClient dtls = live.connectDtls();
             HelloSender halfOpenA = new HelloSender(stalledA); HelloSender halfOpenB = new HelloSender(stalledB)) {
            awaitNoHandshakeInFlight(gateway);
            gateway.edge.uplink.clear();
            halfOpenA.startHandshake();
            halfOpenB.startHandshake();
            assertThat(handshakesInFlight(gateway)).isEqualTo(2);

            long start = System.nanoTime();
            byte[] own = bytes(Ipv4Packets.udp(live.lease(), INTERNAL, 200));
            dtls.send((byte) 0x00, own);
            assertThat(gateway.edge.uplink.poll(2, TimeUnit.SECONDS)).as("forwarded while two handshakes wait").isEqualTo(own);
            dtls.send((byte) 0x03, new byte[0]);
            assertThat(dtls.receive(2000)).as("DPD answered while two handshakes wait").containsExactly(0x04);
            assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(2));
            assertThat(handshakesInFlight(gateway)).as("both still waiting for their clients").isEqualTo(2);
        }
        awaitNoHandshakeInFlight(gateway);
    }

    @Test
    void aHelloWithoutCookieGetsOnlyAHelloVerifyRequestAndAllocatesNoHandshake() throws Exception {
        Tunnel tunnel = openTunnel("dtls-hvr");
        DataPlaneCounters counters = gateway.server.counters();
        try (RecordTlsClient tls = tunnel.tls(); HelloSender client = new HelloSender(tunnel)) {
            awaitNoHandshakeInFlight(gateway);
            long verifyRequests = counters.dtlsHelloVerifyRequests.sum();
            client.send(client.hello);
            byte[] reply = client.receive();
            assertThat(ClientHellos.handshakeType(reply)).as("HelloVerifyRequest").isEqualTo(ClientHellos.HELLO_VERIFY_REQUEST);
            assertThat(ClientHellos.helloVerifyCookie(reply)).as("cookie").isNotEmpty();
            // counted once the verifier has sent it, so possibly just after it arrived here
            await("HelloVerifyRequest counted", () -> counters.dtlsHelloVerifyRequests.sum() == verifyRequests + 1);
            assertThat(client.receive(300)).as("nothing but the HelloVerifyRequest").isNull();
            assertThat(handshakesInFlight(gateway)).isZero();
        }
    }

    /**
     * The address that logged in over TLS has proved it receives what is sent to it, so its hello starts the handshake
     * at once, as ocserv's does: no HelloVerifyRequest round trip before openconnect's DTLS is up. The same hello
     * from another address still gets the cookie exchange (the tests above).
     */
    @Test
    void aHelloFromTheAddressThatLoggedInIsAnsweredWithServerHelloWithoutACookie() throws Exception {
        Tunnel tunnel = openTunnel("dtls-login-address");
        DataPlaneCounters counters = gateway.server.counters();
        try (RecordTlsClient tls = tunnel.tls(); HelloSender client = new HelloSender(tunnel, "127.0.0.1");
             HelloSender elsewhere = new HelloSender(tunnel)) {
            awaitNoHandshakeInFlight(gateway);
            long verifyRequests = counters.dtlsHelloVerifyRequests.sum();
            assertThat(client.answerTo(client.hello)).as("ServerHello to the first hello")
                    .isEqualTo(ClientHellos.SERVER_HELLO);
            assertThat(handshakesInFlight(gateway)).isEqualTo(1);
            assertThat(counters.dtlsHelloVerifyRequests.sum()).isEqualTo(verifyRequests);

            assertThat(elsewhere.answerTo(elsewhere.hello)).as("another address: HelloVerifyRequest")
                    .isEqualTo(ClientHellos.HELLO_VERIFY_REQUEST);
            assertThat(handshakesInFlight(gateway)).isEqualTo(1);
        }
        awaitNoHandshakeInFlight(gateway);
    }

    /**
     * {@code dtls.datagramReader: netty}: Netty's read, the path the gateway falls back to when the foreign function
     * API is not usable, carries a handshake, data both ways and a DPD, and drops garbage, as the gateway's own
     * reader does (every other test here runs on that one).
     */
    @Test
    void nettysDatagramReadCarriesTheChannelWhenChosen(@TempDir Path nettyState) throws Exception {
        assertThat(gateway.server.dtls().orElseThrow().readsWithRecvmmsg()).as("the default reader").isTrue();
        try (TestGateway netty = new TestGateway(nettyState, "dtls: { datagramReader: netty }\n")) {
            assertThat(netty.server.dtls().orElseThrow().readsWithRecvmmsg()).isFalse();
            Tunnel tunnel = openTunnel(netty, "dtls-netty-read");
            DataPlaneCounters counters = netty.server.counters();
            try (RecordTlsClient tls = tunnel.tls(); DtlsTestClient dtls = tunnel.connectDtls();
                 DatagramSocket garbage = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                assertCarriesDataBothWays(netty, tunnel, dtls);
                dtls.send((byte) 0x03, new byte[0]);
                assertThat(dtls.receive(5000)).as("DPD answered").containsExactly(0x04);
                long dropped = counters.dtlsGarbageDropped.sum();
                byte[] junk = {1, 2, 3};
                garbage.send(new DatagramPacket(junk, junk.length, tunnel.dtlsAddress()));
                await("garbage counted", () -> counters.dtlsGarbageDropped.sum() == dropped + 1);
                assertCarriesDataBothWays(netty, tunnel, dtls);
            }
        }
    }

    @Test
    void onlyTheCookieIssuedToThisAddressStartsAHandshake() throws Exception {
        Tunnel tunnel = openTunnel("dtls-cookie");
        DataPlaneCounters counters = gateway.server.counters();
        try (RecordTlsClient tls = tunnel.tls(); HelloSender client = new HelloSender(tunnel);
             HelloSender otherPort = new HelloSender(tunnel)) {
            awaitNoHandshakeInFlight(gateway);
            long verifyRequests = counters.dtlsHelloVerifyRequests.sum();
            byte[] cookie = client.earnCookie();

            byte[] forged = cookie.clone();
            forged[0] ^= 1;
            assertThat(client.answerTo(ClientHellos.withCookie(client.hello, forged))).as("forged cookie answered with a new HelloVerifyRequest")
                    .isEqualTo(ClientHellos.HELLO_VERIFY_REQUEST);
            // the cookie is bound to the address it was sent to
            assertThat(otherPort.answerTo(ClientHellos.withCookie(client.hello, cookie))).as("cookie from another port answered with a new HelloVerifyRequest")
                    .isEqualTo(ClientHellos.HELLO_VERIFY_REQUEST);
            await("three HelloVerifyRequests counted", () -> counters.dtlsHelloVerifyRequests.sum() == verifyRequests + 3);
            assertThat(handshakesInFlight(gateway)).isZero();

            assertThat(client.answerTo(ClientHellos.withCookie(client.hello, cookie))).as("handshake answers with ServerHello")
                    .isEqualTo(ClientHellos.SERVER_HELLO);
            assertThat(handshakesInFlight(gateway)).isEqualTo(1);
        }
        // the tunnel is gone, so is its half-open handshake
        awaitNoHandshakeInFlight(gateway);
    }

    @Test
    void handshakesBeyondTheCapAreDroppedUntilOneEndsAndHalfOpenOnesTimeOut(@TempDir Path capState) throws Exception {
        DataPlaneCounters counters;
        try (TestGateway capped = new TestGateway(capState, "dtls: { maxHandshakes: 2 }\n")) {
            counters = capped.server.counters();
            Tunnel first = openTunnel(capped, "cap-1");
            Tunnel second = openTunnel(capped, "cap-2");
            Tunnel third = openTunnel(capped, "cap-3");
            try (RecordTlsClient tls2 = second.tls(); RecordTlsClient tls3 = third.tls();
                 HelloSender client1 = new HelloSender(first); HelloSender client2 = new HelloSender(second);
                 HelloSender client3 = new HelloSender(third)) {
                client1.startHandshake();
                client2.startHandshake();
                assertThat(handshakesInFlight(capped)).isEqualTo(2);

                long limitDropped = counters.dtlsHandshakeLimitDropped.sum();
                byte[] thirdHello = ClientHellos.withCookie(client3.hello, client3.earnCookie());
                client3.send(thirdHello);
                await("third handshake dropped at the cap", () -> counters.dtlsHandshakeLimitDropped.sum() == limitDropped + 1);
                assertThat(handshakesInFlight(capped)).isEqualTo(2);
                assertThat(client3.receive(300)).as("no ServerHello beyond the cap").isNull();

                // the first tunnel closes, which aborts its handshake: the third client's retransmission gets the slot
                long failed = counters.dtlsHandshakesFailed.sum();
                first.tls().close();
                await("first handshake aborted", () -> handshakesInFlight(capped) == 1);
                assertThat(client3.answerTo(thirdHello)).isEqualTo(ClientHellos.SERVER_HELLO);
                assertThat(handshakesInFlight(capped)).isEqualTo(2);

                // clients that never finish hold their slots only until the handshake timeout
                await("half-open handshakes reaped", HANDSHAKE_TIMEOUT.plusSeconds(5), () -> handshakesInFlight(capped) == 0);
                assertThat(counters.dtlsHandshakesFailed.sum()).as("the aborted one and the two timed out").isEqualTo(failed + 3);
                // a fresh port: the old ones still hold the retransmitted flights of the timed-out handshakes
                try (HelloSender retry = new HelloSender(second)) {
                    retry.startHandshake();
                }
                assertThat(handshakesInFlight(capped)).isEqualTo(1);
            }
        }
    }

    @Test
    void aReplayOfTheEstablishingHelloFromAnotherPortIsDroppedAndTheChannelCarriesOn() throws Exception {
        Tunnel tunnel = openTunnel("dtls-hello-replay");
        DataPlaneCounters counters = gateway.server.counters();
        try (RecordTlsClient tls = tunnel.tls();
             DtlsTestClient dtls = tunnel.connectDtls();
             HelloSender attacker = new HelloSender(tunnel)) {
            assertCarriesDataBothWays(tunnel, dtls);
            byte[] established = dtls.lastSentClientHello();
            assertThat(ClientHellos.cookieOf(established)).as("a hello from the login's address needs no cookie").isEmpty();
            int inFlight = handshakesInFlight(gateway);
            long replayed = counters.dtlsReplayedHelloDropped.sum();
            long verifyRequests = counters.dtlsHelloVerifyRequests.sum();

            attacker.send(established);
            await("replayed hello counted", () -> counters.dtlsReplayedHelloDropped.sum() == replayed + 1);
            assertThat(attacker.receive(300)).as("no answer to the replay").isNull();
            assertThat(counters.dtlsHelloVerifyRequests.sum()).isEqualTo(verifyRequests);
            assertThat(handshakesInFlight(gateway)).isEqualTo(inFlight);
            assertCarriesDataBothWays(tunnel, dtls);
        }
    }

    /** The next CSTP DATA frame; DPD requests from the gateway's timers (dpd is 2 s here) may come first. */
    static byte[] nextDataFrame(RecordTlsClient tls) throws Exception {
        byte[] record = tls.readRecord();
        while (record[6] != CstpFrame.DATA) {
            record = tls.readRecord();
        }
        return record;
    }

    /** The next DTLS DATA record; DPD requests from the gateway's liveness tick (dpd is 2 s here) may come first. */
    static byte[] nextDtlsData(DtlsTestClient dtls) throws Exception {
        byte[] record = dtls.receive(5000);
        while (record != null && record.length > 0 && record[0] != 0x00) {
            record = dtls.receive(5000);
        }
        return record;
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        await(what, Duration.ofSeconds(10), condition);
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }

    /** A packet from the client's own address reaches the network, and one for it comes back over DTLS. */
    private static void assertCarriesDataBothWays(Tunnel tunnel, DtlsTestClient dtls) throws Exception {
        assertCarriesDataBothWays(gateway, tunnel, dtls);
    }

    private static void assertCarriesDataBothWays(TestGateway gateway, Tunnel tunnel, DtlsTestClient dtls)
            throws Exception {
        byte[] own = bytes(Ipv4Packets.udp(tunnel.lease(), INTERNAL, 40));
        dtls.send((byte) 0x00, own);
        assertThat(gateway.edge.uplink.poll(5, TimeUnit.SECONDS)).as("uplink over DTLS").isEqualTo(own);
        gateway.edge.downlink.onTunPacket(Ipv4Packets.udp(INTERNAL, tunnel.lease(), 80, DataPlane.HEADROOM));
        assertThat(nextDtlsData(dtls)).as("downlink over DTLS").hasSize(1 + 28 + 80);
    }

    private static int handshakesInFlight(TestGateway gateway) {
        return gateway.server.dtls().orElseThrow().handshakesInFlight();
    }

    /** Handshakes of earlier tests (retired tunnels, timeouts) are gone, so counts in this test are its own. */
    private static void awaitNoHandshakeInFlight(TestGateway gateway) throws InterruptedException {
        await("no DTLS handshake in flight", HANDSHAKE_TIMEOUT.plusSeconds(5), () -> handshakesInFlight(gateway) == 0);
    }

    /**
     * A UDP client that speaks only ClientHellos naming one tunnel (its App-ID as session_id, like openconnect):
     * enough to pass the cookie exchange and start a handshake it never finishes. It sends from
     * {@link #OTHER_ADDRESS} unless told otherwise: not the address the tunnel logged in from, so its hellos get the
     * cookie exchange.
     */
    private static final class HelloSender implements AutoCloseable {
        /** Another loopback address: Linux routes all of 127/8 to lo, so a socket can bind it without set-up. */
        static final String OTHER_ADDRESS = "127.0.0.2";
        final byte[] hello;
        private final DatagramSocket socket;

        HelloSender(Tunnel tunnel) throws Exception {
            this(tunnel, OTHER_ADDRESS);
        }

        HelloSender(Tunnel tunnel, String from) throws Exception {
            hello = ClientHellos.hello(ClientHellos.randomId(), ClientHellos.hex(tunnel.appId()), null);
            socket = new DatagramSocket(new InetSocketAddress(from, 0));
            socket.connect(tunnel.dtlsAddress());
        }

        void send(byte[] datagram) throws Exception {
            socket.send(new DatagramPacket(datagram, datagram.length));
        }

        /** The next datagram from the gateway; fails the test if none arrives within 5 s. */
        byte[] receive() throws Exception {
            byte[] datagram = receive(5000);
            assertThat(datagram).as("a datagram from the gateway").isNotNull();
            return datagram;
        }

        /** The next datagram from the gateway, or null if none arrives within {@code millis}. */
        byte[] receive(int millis) throws Exception {
            socket.setSoTimeout(millis);
            DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
            try {
                socket.receive(packet);
            } catch (java.net.SocketTimeoutException e) {
                return null;
            }
            return Arrays.copyOf(packet.getData(), packet.getLength());
        }

        /** Sends {@code datagram} (a ClientHello); returns the handshake type of the gateway's answer. */
        int answerTo(byte[] datagram) throws Exception {
            send(datagram);
            return ClientHellos.handshakeType(receive());
        }

        /** Sends the hello without a cookie; returns the cookie of the HelloVerifyRequest that answers it. */
        byte[] earnCookie() throws Exception {
            send(hello);
            return ClientHellos.helloVerifyCookie(receive());
        }

        /** The cookie exchange, then the hello with the cookie, answered by the ServerHello of a new handshake. */
        void startHandshake() throws Exception {
            assertThat(answerTo(ClientHellos.withCookie(hello, earnCookie()))).as("ServerHello")
                    .isEqualTo(ClientHellos.SERVER_HELLO);
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
