package io.github.tunnelgw.core.dtls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The sender's batches over a real epoll UDP channel, to a real socket that plays the client. */
@Timeout(30)
class SocketSenderTest {
    private final LoopbackUdp udp = new LoopbackUdp();
    private final Channel channel = udp.channel;
    private final InetSocketAddress peer = udp.peer;
    private final LongAdder segmentedSends = new LongAdder();
    private final LongAdder sendErrors = new LongAdder();
    private final SocketSender sender = SocketSender.of(channel, new LongAdder(), sendErrors, segmentedSends);

    SocketSenderTest() throws Exception {
    }

    @AfterEach
    void close() {
        udp.close();
    }

    private void onEventLoop(Runnable task) throws Exception {
        channel.eventLoop().submit(task).get(5, TimeUnit.SECONDS);
    }

    private static ByteBuf direct(int length, int seed) {
        ByteBuf buffer = Unpooled.directBuffer(length + 8).writeZero(4); // not at index 0
        for (int i = 0; i < length; i++) {
            buffer.writeByte(seed + i);
        }
        return buffer.readerIndex(4);
    }

    private static byte[] bytes(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (seed + i);
        }
        return bytes;
    }

    private List<byte[]> received(int quietMillis) throws Exception {
        return udp.received(quietMillis);
    }

    /** A ping or a lone ACK: held where it lies (not copied into a batch buffer) and sent from there. */
    @Test
    void aDatagramAloneInItsBatchIsHeldUntilTheBatchEndsAndSentFromItsOwnBuffer() throws Exception {
        ByteBuf record = direct(100, 1);
        int[] refCountAfterCallerReleased = new int[1];
        onEventLoop(() -> {
            sender.beginBatch();
            sender.send(record, peer);
            record.release(); // as the association does once send returns
            refCountAfterCallerReleased[0] = record.refCnt();
            sender.endBatch();
        });
        assertThat(refCountAfterCallerReleased[0]).as("held, not copied, until the batch ends").isEqualTo(1);
        assertThat(record.refCnt()).as("released once sent").isZero();
        List<byte[]> got = received(300);
        assertThat(got).hasSize(1);
        assertThat(got.getFirst()).isEqualTo(bytes(100, 1));
        assertThat(segmentedSends.sum()).isZero();
        assertThat(sendErrors.sum()).isZero();
    }

    @Test
    void aRunOfEqualDatagramsLeavesInOneSegmentedSendAndEveryBufferIsReleased() throws Exception {
        assumeTrue(SegmentedDatagramPacket.isSupported(), "UDP_SEGMENT is not supported by this kernel");
        List<ByteBuf> records = List.of(direct(200, 1), direct(200, 2), direct(200, 3), direct(120, 4));
        onEventLoop(() -> {
            sender.beginBatch();
            for (ByteBuf record : records) {
                sender.send(record, peer);
                record.release();
            }
            sender.endBatch();
        });
        assertThat(records).allSatisfy(r -> assertThat(r.refCnt()).isZero());
        List<byte[]> got = received(300);
        assertThat(got).hasSize(4);
        for (int i = 0; i < 3; i++) {
            assertThat(got.get(i)).isEqualTo(bytes(200, i + 1));
        }
        assertThat(got.get(3)).as("a shorter last one rides along").isEqualTo(bytes(120, 4));
        assertThat(segmentedSends.sum()).isEqualTo(1);
    }

    @Test
    void aHeapDatagramIsCopiedSoTheCallerMayWriteIntoItAtOnce() throws Exception {
        ByteBuf own = Unpooled.buffer(64).writeBytes(bytes(50, 7));
        ByteBuf other = direct(50, 9);
        onEventLoop(() -> {
            sender.beginBatch();
            sender.send(own, peer);
            own.setIndex(0, 0).writeBytes(bytes(50, 8)); // the association's own buffer, reused for the next record
            sender.send(other, peer);
            other.release();
            sender.endBatch();
        });
        List<byte[]> got = received(300);
        assertThat(got).hasSize(2);
        assertThat(got.get(0)).isEqualTo(bytes(50, 7));
        assertThat(got.get(1)).isEqualTo(bytes(50, 9));
        assertThat(other.refCnt()).isZero();
    }

    @Test
    void outsideABatchADatagramLeavesAtOnce() throws Exception {
        ByteBuf record = direct(80, 3);
        sender.send(record, peer); // the test thread: not the event loop, so never gathered
        assertThat(record.refCnt()).as("not held").isEqualTo(1);
        record.release();
        sender.send(bytes(30, 5), 0, 30, peer);
        List<byte[]> got = received(300);
        assertThat(got).hasSize(2);
        assertThat(got.get(0)).isEqualTo(bytes(80, 3));
        assertThat(got.get(1)).isEqualTo(bytes(30, 5));
    }
}
