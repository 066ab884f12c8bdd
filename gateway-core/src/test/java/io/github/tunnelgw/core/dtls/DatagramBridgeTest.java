package io.github.tunnelgw.core.dtls;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DatagramBridgeTest {
    private static final InetSocketAddress PEER = new InetSocketAddress("192.0.2.7", 40000);
    private static final byte[] CHANGE_CIPHER_SPEC = {20, (byte) 0xFE, (byte) 0xFD, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1};
    private static final byte[] FINISHED = new byte[61];

    private final EmbeddedChannel channel = new EmbeddedChannel();

    private List<byte[]> sentDatagrams() {
        List<byte[]> sent = new ArrayList<>();
        for (DatagramPacket packet; (packet = channel.readOutbound()) != null; ) {
            assertThat(packet.recipient()).isEqualTo(PEER);
            sent.add(ByteBufUtil.getBytes(packet.content()));
            packet.release();
        }
        return sent;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    @Test
    void theRecordsOfAFlightLeaveAsOneDatagramOnceBouncyCastleWaitsForThePeer() throws Exception {
        DatagramBridge bridge = new DatagramBridge(channel, null, PEER, 2048, 1400);
        bridge.send(CHANGE_CIPHER_SPEC, 0, CHANGE_CIPHER_SPEC.length);
        bridge.send(FINISHED, 0, FINISHED.length);
        assertThat(sentDatagrams()).as("nothing leaves while the flight is being written").isEmpty();

        bridge.offer(Unpooled.wrappedBuffer(new byte[]{1, 2, 3}));
        byte[] received = new byte[2048];
        assertThat(bridge.receive(received, 0, received.length, 1000)).isEqualTo(3);

        assertThat(sentDatagrams()).containsExactly(concat(CHANGE_CIPHER_SPEC, FINISHED));
    }

    @Test
    void theLastFlightLeavesWhenTheHandshakeEnds() {
        DatagramBridge bridge = new DatagramBridge(channel, null, PEER, 2048, 1400);
        bridge.send(CHANGE_CIPHER_SPEC, 0, CHANGE_CIPHER_SPEC.length);
        bridge.send(FINISHED, 0, FINISHED.length);

        bridge.flushFlight();

        assertThat(sentDatagrams()).containsExactly(concat(CHANGE_CIPHER_SPEC, FINISHED));
        bridge.flushFlight();
        assertThat(sentDatagrams()).as("nothing twice").isEmpty();
    }

    @Test
    void aFlightLargerThanOneDatagramIsSplitBetweenRecords() {
        DatagramBridge bridge = new DatagramBridge(channel, null, PEER, 2048, 100);
        byte[] first = new byte[60];
        byte[] second = new byte[60];
        second[0] = 9;
        bridge.send(first, 0, first.length);
        bridge.send(second, 0, second.length);
        bridge.flushFlight();

        assertThat(sentDatagrams()).containsExactly(first, second);
    }
}
