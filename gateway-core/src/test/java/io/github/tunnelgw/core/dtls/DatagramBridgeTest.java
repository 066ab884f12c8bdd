package io.github.tunnelgw.core.dtls;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;

/** The bridge over a real epoll UDP channel, sending to a real socket that plays the client. */
@Timeout(30)
class DatagramBridgeTest {
    private static final byte[] CHANGE_CIPHER_SPEC = {20, (byte) 0xFE, (byte) 0xFD, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1};
    private static final byte[] FINISHED = new byte[61];

    private final LoopbackUdp udp = new LoopbackUdp();
    private final Channel channel = udp.channel;
    private final LongAdder sendErrors = new LongAdder();
    private final SocketSender sender = SocketSender.of(channel, new LongAdder(), sendErrors, new LongAdder());
    private final InetSocketAddress peer = udp.peer;

    DatagramBridgeTest() throws Exception {
    }

    @AfterEach
    void close() {
        udp.close();
    }

    private DatagramBridge bridge(int sendLimit) {
        return new DatagramBridge(channel, sender, peer, 2048, sendLimit);
    }

    private List<byte[]> received(int quietMillis) throws Exception {
        return udp.received(quietMillis);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    @Test
    void theRecordsOfAFlightLeaveAsOneDatagramOnceBouncyCastleWaitsForThePeer() throws Exception {
        DatagramBridge bridge = bridge(1400);
        bridge.send(CHANGE_CIPHER_SPEC, 0, CHANGE_CIPHER_SPEC.length);
        bridge.send(FINISHED, 0, FINISHED.length);
        assertThat(received(200)).as("nothing leaves while the flight is being written").isEmpty();

        bridge.offer(Unpooled.wrappedBuffer(new byte[]{1, 2, 3}));
        byte[] into = new byte[2048];
        assertThat(bridge.receive(into, 0, into.length, 1000)).isEqualTo(3);

        assertThat(received(500)).containsExactly(concat(CHANGE_CIPHER_SPEC, FINISHED));
        assertThat(sendErrors.sum()).isZero();
    }

    @Test
    void theLastFlightLeavesWhenTheHandshakeEnds() throws Exception {
        DatagramBridge bridge = bridge(1400);
        bridge.send(CHANGE_CIPHER_SPEC, 0, CHANGE_CIPHER_SPEC.length);
        bridge.send(FINISHED, 0, FINISHED.length);

        bridge.flushFlight();

        assertThat(received(500)).containsExactly(concat(CHANGE_CIPHER_SPEC, FINISHED));
        bridge.flushFlight();
        assertThat(received(200)).as("nothing twice").isEmpty();
    }

    @Test
    void aFlightLargerThanOneDatagramIsSplitBetweenRecords() throws Exception {
        DatagramBridge bridge = bridge(100);
        byte[] first = new byte[60];
        byte[] second = new byte[60];
        second[0] = 9;
        bridge.send(first, 0, first.length);
        bridge.send(second, 0, second.length);
        bridge.flushFlight();

        assertThat(received(500)).containsExactly(first, second);
    }

    /**
     * A handshake runs on a virtual thread of its own, and its flights leave from there, with no hop to the event
     * loop: a datagram sent while the event loop is blocked still arrives.
     */
    @Test
    void aVirtualThreadsFlightLeavesWithoutTheEventLoop() throws Exception {
        DatagramBridge bridge = bridge(1400);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        channel.eventLoop().execute(() -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            Thread sending = Thread.ofVirtual().start(() -> {
                bridge.send(CHANGE_CIPHER_SPEC, 0, CHANGE_CIPHER_SPEC.length);
                bridge.send(FINISHED, 0, FINISHED.length);
                bridge.flushFlight();
            });
            sending.join(5000);
            assertThat(received(1000)).as("sent while the event loop was busy")
                    .containsExactly(concat(CHANGE_CIPHER_SPEC, FINISHED));
        } finally {
            release.countDown();
        }
        assertThat(sendErrors.sum()).isZero();
    }
}
