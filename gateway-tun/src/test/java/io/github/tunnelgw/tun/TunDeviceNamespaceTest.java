package io.github.tunnelgw.tun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** The real kernel: a multi-queue tun, link setup and the nftables table, inside a namespace made for the test. */
class TunDeviceNamespaceTest {
    static final int GATEWAY = 0x0A630001; // 10.99.0.1
    static final int PEER = 0x0A630002;    // 10.99.0.2

    @BeforeAll
    static void requiresRoot() {
        assumeFalse("false".equals(System.getProperty("gateway.e2e")), "kernel tests disabled with -Dgateway.e2e=false");
    }

    @Test
    void packetsFlowBothWaysThroughAConfiguredMultiQueueTun() throws Exception {
        try (TestNamespace ns = new TestNamespace()) {
            ns.inside(() -> {
                try (TunDevice tun = TunDevice.open("tgwt%d", 2)) {
                    assertThat(tun.queues()).hasSize(2);
                    LinkConfigurator.configure(tun.name(), (Inet4Address) InetAddress.getByName("10.99.0.1"), 24, 1400);
                    assertThat(LinkConfigurator.mtu(tun.name())).isEqualTo(1400);
                    String addr = TestNamespace.run(List.of("ip", "-n", ns.name, "-4", "addr", "show", "dev", tun.name()));
                    assertThat(addr).contains("inet 10.99.0.1/24").contains("UP");

                    // host → tun: a datagram to 10.99.0.2 leaves through one of the queues
                    BlockingQueue<ByteBuf> received = new LinkedBlockingQueue<>();
                    List<TunReader> readers = tun.queues().stream()
                            .map(q -> new TunReader(q, PooledByteBufAllocator.DEFAULT, 8, 1400, received::add)).toList();
                    readers.forEach(TunReader::start);
                    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("10.99.0.1", 0))) {
                        byte[] hello = "hello tun".getBytes(StandardCharsets.US_ASCII);
                        socket.send(new DatagramPacket(hello, hello.length, new InetSocketAddress("10.99.0.2", 9999)));
                        ByteBuf packet = nextIpv4(received);
                        assertThat(packet).as("packet read from the tun").isNotNull();
                        assertThat(packet.readerIndex()).as("headroom left in front").isEqualTo(8);
                        assertThat(Ipv4Header.isWellFormedIpv4(packet)).isTrue();
                        assertThat(Ipv4Header.source(packet)).isEqualTo(GATEWAY);
                        assertThat(Ipv4Header.destination(packet)).isEqualTo(PEER);
                        packet.release();
                    } finally {
                        readers.forEach(TunReader::close);
                    }

                    // tun → host: a hand-built packet from 10.99.0.2 reaches a socket on 10.99.0.1
                    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("10.99.0.1", 0))) {
                        socket.setSoTimeout(5000);
                        ByteBuf injected = udpPacket(PEER, GATEWAY, 4321, socket.getLocalPort(), "from the tunnel");
                        assertThat(tun.queues().get(0).write(injected)).isTrue();
                        DatagramPacket datagram = new DatagramPacket(new byte[100], 100);
                        socket.receive(datagram);
                        assertThat(new String(datagram.getData(), 0, datagram.getLength(), StandardCharsets.US_ASCII))
                                .isEqualTo("from the tunnel");
                        assertThat(datagram.getAddress().getHostAddress()).isEqualTo("10.99.0.2");
                    }
                }
                return null;
            });
            assertThat(TestNamespace.run(List.of("ip", "-n", ns.name, "link", "show"))).doesNotContain("tgwt");
        }
    }

    @Test
    void natTableIsInstalledInTheNamespaceAndRemovedOnClose() throws Exception {
        try (TestNamespace ns = new TestNamespace()) {
            String table = "tgwtest" + ProcessHandle.current().pid();
            ns.inside(() -> {
                try (NatTable nat = NatTable.install(table, "10.99.0.0/24", "lo")) {
                    String listed = TestNamespace.run(List.of("ip", "netns", "exec", ns.name, "nft", "list", "table", "ip", table));
                    assertThat(listed).contains("masquerade").contains("10.99.0.0/24");
                    // installing again replaces the table instead of failing or duplicating rules
                    NatTable.install(table, "10.99.0.0/24", "lo");
                    String again = TestNamespace.run(List.of("ip", "netns", "exec", ns.name, "nft", "list", "table", "ip", table));
                    assertThat(again.split("masquerade", -1)).hasSize(2);
                }
                return null;
            });
            String tables = TestNamespace.run(List.of("ip", "netns", "exec", ns.name, "nft", "list", "tables"));
            assertThat(tables).doesNotContain(table);
            assertThat(TestNamespace.run(List.of("nft", "list", "tables"))).as("host untouched").doesNotContain(table);
        }
    }

    /** The kernel may also emit IPv6 router solicitations on a new link; those are not what this test sent. */
    static ByteBuf nextIpv4(BlockingQueue<ByteBuf> received) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            ByteBuf packet = received.poll(100, TimeUnit.MILLISECONDS);
            if (packet != null && Ipv4Header.version(packet) == 4) {
                return packet;
            }
            if (packet != null) {
                packet.release();
            }
        }
        return null;
    }

    static ByteBuf udpPacket(int source, int destination, int sourcePort, int destinationPort, String text) {
        byte[] payload = text.getBytes(StandardCharsets.US_ASCII);
        int total = 28 + payload.length;
        ByteBuf buf = Unpooled.directBuffer(total);
        buf.writeByte(0x45).writeByte(0).writeShort(total).writeShort(1).writeShort(0x4000).writeByte(64).writeByte(17)
                .writeShort(0).writeInt(source).writeInt(destination);
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += buf.getUnsignedShort(i);
        }
        while (sum > 0xFFFF) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        buf.setShort(10, ~sum & 0xFFFF);
        buf.writeShort(sourcePort).writeShort(destinationPort).writeShort(8 + payload.length).writeShort(0).writeBytes(payload);
        return buf;
    }
}
