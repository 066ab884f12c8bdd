package io.github.tunnelgw.tun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The real kernel: a multi-queue tun and its IPv4 link setup, inside a network namespace made for each test. */
@Timeout(60)
class TunDeviceNamespaceTest {
    static final int GATEWAY = 0x0A630001; // 10.99.0.1
    static final int PEER = 0x0A630002;    // 10.99.0.2
    static final int MTU = 1400;
    /** Room before each packet read: the virtio header lands there. */
    static final int HEADROOM = 16;

    TestNamespace ns;

    @BeforeAll
    static void requiresRoot() {
        TestNamespace.assumeKernelTestsEnabled();
    }

    @BeforeEach
    void createNamespace() throws Exception {
        ns = new TestNamespace();
    }

    @AfterEach
    void deleteNamespace() throws Exception {
        ns.close();
    }

    /** Opens "tgwt%d" with two queues and configures 10.99.0.1/24, MTU 1400, up; on the namespace thread. */
    TunDevice openConfigured() throws Exception {
        return ns.inside(() -> {
            TunDevice tun = TunDevice.open("tgwt%d", 2);
            try {
                LinkConfigurator.configure(tun.name(), (Inet4Address) InetAddress.getByName("10.99.0.1"), 24, MTU);
                return tun;
            } catch (IOException | RuntimeException e) {
                tun.close();
                throw e;
            }
        });
    }

    @Test
    void twoQueueDeviceIsCreatedNonBlockingConfiguredAndGoneOnClose() throws Exception {
        String name = ns.inside(() -> {
            try (TunDevice tun = TunDevice.open("tgwt%d", 2)) {
                assertThat(tun.name()).as("the kernel completed the template").matches("tgwt\\d+");
                assertThat(tun.queues()).hasSize(2);
                assertThat(tun.queues()).extracting(TunQueue::index).containsExactly(0, 1);
                assertThat(tun.queues()).allSatisfy(q -> assertThat(q.deviceName()).isEqualTo(tun.name()));
                ByteBuf into = Unpooled.directBuffer(2048, 2048).writerIndex(HEADROOM).readerIndex(HEADROOM);
                long start = System.nanoTime();
                assertThat(tun.queues().get(0).read(into)).as("no packet yet: O_NONBLOCK read returns 0").isZero();
                assertThat(System.nanoTime() - start).isLessThan(50_000_000L);
                into.release();
                assertThat(LinkConfigurator.isUp(tun.name())).isFalse();

                LinkConfigurator.configure(tun.name(), (Inet4Address) InetAddress.getByName("10.99.0.1"), 24, MTU);
                assertThat(LinkConfigurator.mtu(tun.name())).isEqualTo(MTU);
                assertThat(LinkConfigurator.isUp(tun.name())).isTrue();
                String json = TestNamespace.run(List.of("ip", "-n", ns.name, "-j", "addr", "show", "dev", tun.name()))
                        .replaceAll("\\s", "");
                assertThat(json).contains("\"ifname\":\"" + tun.name() + "\"").contains("\"mtu\":1400")
                        .contains("\"local\":\"10.99.0.1\",\"prefixlen\":24").containsPattern("\"flags\":\\[[^]]*\"UP\"");
                String route = TestNamespace.run(List.of("ip", "-n", ns.name, "route", "show", "dev", tun.name()));
                assertThat(route).as("connected route of the /24").contains("10.99.0.0/24");
                return tun.name();
            }
        });
        assertThat(TestNamespace.run(List.of("ip", "-n", ns.name, "link", "show"))).doesNotContain(name);
        assertThat(TestNamespace.run(List.of("ip", "link", "show"))).as("nothing leaked to the host")
                .doesNotContain(name + ":");
    }

    @Test
    void datagramToThePeerIsReadFromAQueueAsAnIpv4Packet() throws Exception {
        try (TunDevice tun = openConfigured();
             DatagramSocket socket = ns.inside(() -> new DatagramSocket(new InetSocketAddress("10.99.0.1", 0)))) {
            byte[] hello = "hello tun".getBytes(StandardCharsets.US_ASCII);
            socket.send(new DatagramPacket(hello, hello.length, new InetSocketAddress("10.99.0.2", 9999)));

            ByteBuf packet = readIpv4(tun, 5_000);
            try {
                assertThat(packet).as("packet read from a tun queue").isNotNull();
                assertThat(Ipv4Header.isWellFormedIpv4(packet)).isTrue();
                assertThat(Ipv4Header.headerLength(packet)).isEqualTo(20);
                assertThat(Ipv4Header.protocol(packet)).isEqualTo(17);
                assertThat(Ipv4Header.source(packet)).isEqualTo(GATEWAY);
                assertThat(Ipv4Header.destination(packet)).isEqualTo(PEER);
                assertThat(Ipv4Header.totalLength(packet)).isEqualTo(28 + hello.length).isEqualTo(packet.readableBytes());
                assertThat(TestPackets.headerChecksumVerifies(packet)).isTrue();
                int udp = packet.readerIndex() + 20;
                assertThat(packet.getUnsignedShort(udp)).isEqualTo(socket.getLocalPort());
                assertThat(packet.getUnsignedShort(udp + 2)).isEqualTo(9999);
                assertThat(packet.toString(udp + 8, hello.length, StandardCharsets.US_ASCII)).isEqualTo("hello tun");
            } finally {
                if (packet != null) {
                    packet.release();
                }
            }
        }
    }

    /** Reads every queue in turn (the kernel picks one per flow) until an IPv4 packet arrives; skips IPv6 chatter. */
    static ByteBuf readIpv4(TunDevice tun, long timeoutMillis) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() < deadline) {
            for (TunQueue queue : tun.queues()) {
                ByteBuf into = Unpooled.directBuffer(HEADROOM + MTU, HEADROOM + MTU).writerIndex(HEADROOM)
                        .readerIndex(HEADROOM);
                if (queue.read(into) > 0 && Ipv4Header.version(into) == 4) {
                    return into;
                }
                into.release();
            }
            Thread.sleep(5);
        }
        return null;
    }

    @Test
    void handBuiltPacketWrittenToTheTunReachesASocketInTheNamespace() throws Exception {
        try (TunDevice tun = openConfigured();
             DatagramSocket socket = ns.inside(() -> new DatagramSocket(new InetSocketAddress("10.99.0.1", 0)))) {
            socket.setSoTimeout(5_000);
            byte[] bytes = TestPackets.udp(PEER, GATEWAY, 4321, socket.getLocalPort(),
                    "from the tunnel".getBytes(StandardCharsets.US_ASCII));
            assertThat(TestPackets.udpChecksumVerifies(Unpooled.wrappedBuffer(bytes))).isTrue();

            // As the gateway writes: a direct buffer with headroom in front of the packet.
            ByteBuf direct = Unpooled.directBuffer(8 + bytes.length).writeZero(8).writeBytes(bytes);
            direct.readerIndex(8);
            assertThat(tun.queues().get(0).write(direct)).isTrue();
            assertThat(direct.readerIndex()).isEqualTo(8);
            assertThat(receive(socket)).isEqualTo("10.99.0.2:4321 from the tunnel");

            // A heap buffer goes through the per-thread scratch copy.
            assertThat(tun.queues().get(1).write(Unpooled.wrappedBuffer(bytes))).isTrue();
            assertThat(receive(socket)).isEqualTo("10.99.0.2:4321 from the tunnel");
            direct.release();

            // The kernel refuses what is not IPv4 or IPv6: counted, not thrown.
            ByteBuf garbage = Unpooled.directBuffer().writeBytes(bytes);
            garbage.setByte(0, 0x75);
            assertThat(tun.queues().get(0).write(garbage)).isFalse();
            assertThat(tun.queues().get(0).writeErrors()).isEqualTo(1);
            garbage.release();
        }
    }

    @Test
    void aTcpSuperPacketMakesTheRoundTripThroughTheKernelWholeAndTheReaderCutsItIntoCheckedSegments() throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try (TunDevice tun = openConfigured()) {
            ns.exec(List.of("sysctl", "-q", "-w", "net.ipv4.ip_forward=1"));
            // 10.99.0.2 -> 10.99.0.3: both behind the tun, so the kernel forwards the packet straight back out of
            // the tun. The tun takes TSO, so the super-packet comes back whole, and the reader must cut it.
            int other = PEER + 1;
            byte[] payload = new byte[3 * 1000 + 500];
            for (int i = 0; i < payload.length; i++) {
                payload[i] = (byte) (i / 1000 + 'a');
            }
            ByteBuf superPacket = Unpooled.directBuffer().writeBytes(TestPackets.tcp(PEER, other, 40000, 5201, 1000, 777,
                    TestPackets.ACK | TestPackets.PSH, new byte[0], payload));
            int tcpLength = superPacket.readableBytes() - 20;
            long pseudo = InternetChecksum.sum(superPacket, 12, 8, 6 + tcpLength);
            superPacket.setShort(20 + 16, InternetChecksum.fold(pseudo));

            BlockingQueue<ByteBuf> received = new LinkedBlockingQueue<>();
            List<TunQueueReader> readers = tun.queues().stream()
                    .map(q -> new TunQueueReader(q, PooledByteBufAllocator.DEFAULT, HEADROOM, MTU, received::add)).toList();
            List<ByteBuf> segments = new ArrayList<>();
            try {
                for (TunQueueReader reader : readers) {
                    reader.start((IoEventLoop) group.next());
                }
                assertThat(tun.queues().get(0).writeTcpSegments(superPacket, 20, 20, 1000)).isTrue();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (segments.size() < 4 && System.nanoTime() < deadline) {
                    ByteBuf packet = received.poll(100, TimeUnit.MILLISECONDS);
                    if (packet != null && Ipv4Header.version(packet) == 4 && Ipv4Header.protocol(packet) == 6) {
                        segments.add(packet);
                    } else if (packet != null) {
                        packet.release(); // IPv6 chatter, or the ICMP redirect the forward back out causes
                    }
                }
                assertThat(readers.stream().mapToLong(TunQueueReader::errors).sum()).isZero();
                assertThat(segments).hasSize(4);
                for (int i = 0; i < 4; i++) {
                    ByteBuf segment = segments.get(i);
                    int size = i < 3 ? 1000 : 500;
                    assertThat(Ipv4Header.totalLength(segment)).isEqualTo(20 + 20 + size);
                    assertThat(Ipv4Header.destination(segment)).isEqualTo(other);
                    assertThat(segment.getInt(segment.readerIndex() + 24)).as("sequence").isEqualTo(1000 + i * 1000);
                    assertThat(segment.getByte(segment.readerIndex() + 40)).isEqualTo((byte) ('a' + i));
                    assertThat(segment.getUnsignedByte(segment.readerIndex() + 33) & TestPackets.PSH)
                            .as("PSH on the last segment only").isEqualTo(i == 3 ? TestPackets.PSH : 0);
                    assertThat(TestPackets.headerChecksumVerifies(segment)).isTrue();
                    assertThat(TestPackets.tcpChecksumVerifies(segment)).as("segment %d's TCP checksum", i).isTrue();
                }
            } finally {
                superPacket.release();
                readers.forEach(TunQueueReader::close);
                segments.forEach(ByteBuf::release);
                received.forEach(ByteBuf::release);
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void aUdpSuperPacketReachesTheSocketAsTheOriginalDatagrams() throws Exception {
        try (TunDevice tun = openConfigured();
             DatagramSocket socket = ns.inside(() -> new DatagramSocket(new InetSocketAddress("10.99.0.1", 0)))) {
            socket.setSoTimeout(5_000);
            String[] messages = {"first datagram of ten", "second one, as long!!", "short"};
            byte[] first = messages[0].getBytes(StandardCharsets.US_ASCII);
            ByteBuf superPacket = Unpooled.directBuffer().writeBytes(
                    TestPackets.udp(PEER, GATEWAY, 4321, socket.getLocalPort(), first));
            for (int i = 1; i < messages.length; i++) {
                superPacket.writeBytes(messages[i].getBytes(StandardCharsets.US_ASCII));
            }
            int total = superPacket.readableBytes();
            superPacket.setShort(2, total);
            superPacket.setShort(10, 0);
            superPacket.setShort(10, ~InternetChecksum.fold(InternetChecksum.sum(superPacket, 0, 20, 0)));
            superPacket.setShort(24, total - 20);
            superPacket.setShort(26, InternetChecksum.fold(InternetChecksum.sum(superPacket, 12, 8, 17 + total - 20)));

            assertThat(tun.queues().get(0).writeUdpSegments(superPacket, 20, first.length)).isTrue();
            superPacket.release();

            for (String message : messages) {
                assertThat(receive(socket)).isEqualTo("10.99.0.2:4321 " + message);
            }
        }
    }

    static String receive(DatagramSocket socket) throws IOException {
        DatagramPacket datagram = new DatagramPacket(new byte[200], 200);
        socket.receive(datagram);
        return datagram.getAddress().getHostAddress() + ":" + datagram.getPort() + " "
                + new String(datagram.getData(), 0, datagram.getLength(), StandardCharsets.US_ASCII);
    }

    @Test
    void readersOnAnEventLoopDeliverPacketsWithHeadroomAndStopOnClose() throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try (TunDevice tun = openConfigured();
             DatagramSocket socket = ns.inside(() -> new DatagramSocket(new InetSocketAddress("10.99.0.1", 0)))) {
            BlockingQueue<ByteBuf> received = new LinkedBlockingQueue<>();
            List<TunQueueReader> readers = tun.queues().stream()
                    .map(q -> new TunQueueReader(q, PooledByteBufAllocator.DEFAULT, HEADROOM, MTU, received::add)).toList();
            for (TunQueueReader reader : readers) {
                reader.start((IoEventLoop) group.next());
            }
            int ipv4 = 0;
            try {
                for (int i = 0; i < 5; i++) {
                    byte[] payload = ("datagram " + i).getBytes(StandardCharsets.US_ASCII);
                    socket.send(new DatagramPacket(payload, payload.length, new InetSocketAddress("10.99.0.2", 7000 + i)));
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (ipv4 < 5 && System.nanoTime() < deadline) {
                    ByteBuf packet = received.poll(100, TimeUnit.MILLISECONDS);
                    if (packet == null) {
                        continue;
                    }
                    try {
                        assertThat(packet.readerIndex()).as("headroom for the CSTP header").isEqualTo(HEADROOM);
                        assertThat(packet.capacity()).isEqualTo(HEADROOM + packet.readableBytes());
                        if (Ipv4Header.version(packet) == 4) {
                            assertThat(Ipv4Header.isWellFormedIpv4(packet)).isTrue();
                            assertThat(Ipv4Header.destination(packet)).isEqualTo(PEER);
                            ipv4++;
                        }
                    } finally {
                        packet.release();
                    }
                }
            } finally {
                readers.forEach(TunQueueReader::close);
                received.forEach(ByteBuf::release);
            }
            assertThat(ipv4).isEqualTo(5);
            assertThat(readers).allSatisfy(r -> assertThat(r.isReading()).isFalse());
            assertThat(readers.stream().mapToLong(TunQueueReader::packets).sum()).isGreaterThanOrEqualTo(5);
            assertThat(readers.stream().mapToLong(TunQueueReader::bytes).sum()).isGreaterThanOrEqualTo(5 * (28 + 10));
            assertThat(readers.stream().mapToLong(TunQueueReader::errors).sum()).isZero();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void anExistingNonTunDeviceNameFailsWithAClearMessage() throws Exception {
        IOException error = ns.inside(() -> {
            try (TunDevice ignored = TunDevice.open("lo", 1)) {
                return null;
            } catch (IOException e) {
                return e;
            }
        });
        assertThat(error).isNotNull();
        assertThat(error.getMessage()).startsWith("cannot create tun device 'lo' (queue 0): invalid argument")
                .contains("not a multi-queue tun");
    }

    @Test
    void malformedNamesAndQueueCountsAreRefusedBeforeTheKernelSeesThem() {
        assertThatThrownBy(() -> TunDevice.open("bad name", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TunDevice.open("tun%s", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TunDevice.open("tgwt%d", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TunDevice.open("tgwt%d", 257)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void linkSetupOfAMissingInterfaceNamesTheProblem() throws Exception {
        IOException error = ns.inside(() -> {
            try {
                LinkConfigurator.mtu("tgw-nosuch0");
                return null;
            } catch (IOException e) {
                return e;
            }
        });
        assertThat(error).isNotNull().hasMessageContaining("tgw-nosuch0").hasMessageContaining("no such device");
        assertThatThrownBy(() -> LinkConfigurator.configure("lo", (Inet4Address) InetAddress.getByName("10.0.0.1"), 33, 1400))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LinkConfigurator.configure("lo", (Inet4Address) InetAddress.getByName("10.0.0.1"), 24, 67))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
