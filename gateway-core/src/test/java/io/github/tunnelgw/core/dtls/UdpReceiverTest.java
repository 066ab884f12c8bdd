package io.github.tunnelgw.core.dtls;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The DTLS listener's own receive path, over a real UDP socket on loopback (IPv4 and IPv6). */
@Timeout(30)
class UdpReceiverTest {
    private static final int SLOT = 101;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    private final List<String> received = Collections.synchronizedList(new ArrayList<>());
    private final List<InetSocketAddress> senders = Collections.synchronizedList(new ArrayList<>());
    private final List<Integer> batchEnds = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> times = Collections.synchronizedList(new ArrayList<>());
    private final UdpReceiver.Sink sink = new UdpReceiver.Sink() {
        private int inBatch;

        @Override
        public void datagram(ByteBuf content, InetSocketAddress sender, long nowNanos) {
            received.add(content.toString(StandardCharsets.ISO_8859_1));
            senders.add(sender);
            times.add(nowNanos);
            inBatch++;
        }

        @Override
        public void batchEnd() {
            batchEnds.add(inBatch);
            inBatch = 0;
        }
    };

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private Channel bind(InetAddress address) throws InterruptedException {
        return new Bootstrap().group(group).channel(EpollDatagramChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ChannelInboundHandlerAdapter())
                .bind(new InetSocketAddress(address, 0)).sync().channel();
    }

    private UdpReceiver receiverOn(Channel channel) throws Exception {
        UdpReceiver receiver = UdpReceiver.open(((EpollDatagramChannel) channel).fd().intValue(), SLOT, sink);
        receiver.start((IoEventLoop) channel.eventLoop());
        return receiver;
    }

    private static void awaitSize(List<?> list, int size) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (list.size() < size && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    @Test
    void deliversEveryDatagramWithItsSenderAndEndsEachBatch() throws Exception {
        for (InetAddress loopback : new InetAddress[]{InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1")}) {
            received.clear();
            senders.clear();
            batchEnds.clear();
            times.clear();
            Channel channel = bind(loopback);
            try (UdpReceiver receiver = receiverOn(channel);
                 DatagramSocket a = new DatagramSocket(new InetSocketAddress(loopback, 0));
                 DatagramSocket b = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
                InetSocketAddress to = (InetSocketAddress) channel.localAddress();
                long sentFrom = System.nanoTime();
                // more than one recvmmsg's worth, from two senders
                for (int i = 0; i < 40; i++) {
                    byte[] text = ("datagram " + i).getBytes(StandardCharsets.ISO_8859_1);
                    (i % 5 == 4 ? b : a).send(new DatagramPacket(text, text.length, to));
                }
                awaitSize(received, 40);
                long receivedBy = System.nanoTime();

                assertThat(received).hasSize(40);
                assertThat(received.getFirst()).isEqualTo("datagram 0");
                assertThat(received.getLast()).isEqualTo("datagram 39");
                assertThat(senders.get(0)).isEqualTo(a.getLocalSocketAddress());
                assertThat(senders.get(4)).isEqualTo(b.getLocalSocketAddress());
                assertThat(senders.get(1)).as("the same sender's address object is kept, not made again")
                        .isSameAs(senders.get(0));
                assertThat(batchEnds.stream().mapToInt(Integer::intValue).sum()).isEqualTo(40);
                assertThat(batchEnds).allMatch(n -> n <= UdpReceiver.BATCH * UdpReceiver.CALLS_PER_EVENT);
                assertThat(times).as("each datagram's time is when its recvmmsg returned")
                        .allMatch(t -> t >= sentFrom && t <= receivedBy);
                assertThat(times).as("times never go back").isSorted();
                assertThat(receiver.errors()).isZero();
            } finally {
                channel.close().sync();
            }
        }
    }

    @Test
    void datagramsOfOneRecvmmsgShareOneClockRead() throws Exception {
        Channel channel = bind(InetAddress.getByName("127.0.0.1"));
        try (DatagramSocket a = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            InetSocketAddress to = (InetSocketAddress) channel.localAddress();
            int waiting = UdpReceiver.BATCH + 4;
            for (int i = 0; i < waiting; i++) {
                byte[] text = ("queued " + i).getBytes(StandardCharsets.ISO_8859_1);
                a.send(new DatagramPacket(text, text.length, to));
            }
            // all queued in the socket before the receiver starts, so its first call takes a full batch
            try (UdpReceiver receiver = receiverOn(channel)) {
                awaitSize(received, waiting);
                assertThat(times.subList(0, UdpReceiver.BATCH)).as("the first recvmmsg's datagrams")
                        .containsOnly(times.getFirst());
                assertThat(times.get(UdpReceiver.BATCH)).as("the next call's").isGreaterThan(times.getFirst());
                assertThat(receiver.errors()).isZero();
            }
        } finally {
            channel.close().sync();
        }
    }

    @Test
    void aDatagramLongerThanItsSlotArrivesCutToTheSlotSoItCanBeToldApart() throws Exception {
        Channel channel = bind(InetAddress.getLoopbackAddress());
        try (UdpReceiver ignored = receiverOn(channel);
             DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            byte[] big = new byte[SLOT + 500];
            socket.send(new DatagramPacket(big, big.length, channel.localAddress()));
            socket.send(new DatagramPacket(new byte[]{'o', 'k'}, 2, channel.localAddress()));
            awaitSize(received, 2);
            assertThat(received.get(0)).hasSize(SLOT);
            assertThat(received.get(1)).isEqualTo("ok");
        } finally {
            channel.close().sync();
        }
    }

    /** What the kernel hands back as the sender: IPv4, IPv6, and what the receiver must refuse (counted, dropped). */
    @Test
    void senderAddressesOfKnownFamiliesParseAndOthersOrShortOnesAreRefused() throws Exception {
        MemorySegment name = Arena.ofAuto().allocate(32);
        name.set(ValueLayout.JAVA_SHORT, 0, (short) 2);
        name.set(ValueLayout.JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2, (short) 4433);
        name.asSlice(4, 4).copyFrom(MemorySegment.ofArray(new byte[]{10, 1, 2, 3}));
        assertThat(UdpReceiver.parse(name, 16)).isEqualTo(new InetSocketAddress("10.1.2.3", 4433));
        assertThat(UdpReceiver.parse(name, 8)).as("too short for a sockaddr_in").isNull();

        name.set(ValueLayout.JAVA_SHORT, 0, (short) 10);
        name.asSlice(8, 16).copyFrom(MemorySegment.ofArray(InetAddress.getByName("2001:db8::7").getAddress()));
        assertThat(UdpReceiver.parse(name, 28)).isEqualTo(new InetSocketAddress("2001:db8::7", 4433));
        assertThat(UdpReceiver.parse(name, 16)).as("too short for a sockaddr_in6").isNull();

        name.set(ValueLayout.JAVA_SHORT, 0, (short) 1); // AF_UNIX
        assertThat(UdpReceiver.parse(name, 28)).isNull();
    }

    @Test
    void afterCloseNothingIsDeliveredAndTheSocketStaysWithItsChannel() throws Exception {
        Channel channel = bind(InetAddress.getLoopbackAddress());
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            UdpReceiver receiver = receiverOn(channel);
            socket.send(new DatagramPacket(new byte[]{1}, 1, channel.localAddress()));
            awaitSize(received, 1);
            receiver.close();
            Thread.sleep(100);
            socket.send(new DatagramPacket(new byte[]{2}, 1, channel.localAddress()));
            Thread.sleep(300);
            assertThat(received).hasSize(1);
            assertThat(channel.isActive()).as("the listener's own socket is not closed with the duplicate").isTrue();
        } finally {
            channel.close().sync();
        }
    }
}
