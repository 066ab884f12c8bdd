package io.github.tunnelgw.tun;

import static io.github.tunnelgw.tun.TestPackets.ACK;
import static io.github.tunnelgw.tun.TestPackets.FIN;
import static io.github.tunnelgw.tun.TestPackets.PSH;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Cutting super-packets as a NIC would, and completing partial checksums (the kernel round trip is in TunDeviceNamespaceTest). */
class TcpSegmentationTest {
    static final int SERVER = 0x0A000202; // 10.0.2.2
    static final int CLIENT = 0x0A640005; // 10.100.0.5
    static final int CWR = 0x80;
    static final byte[] TIMESTAMPS = {1, 1, 8, 10, 0, 0, 0, 7, 0, 0, 0, 9};

    final List<ByteBuf> out = new ArrayList<>();

    @AfterEach
    void release() {
        out.forEach(ByteBuf::release);
    }

    static ByteBuf superPacket(int payloadLength, int flags) {
        byte[] payload = new byte[payloadLength];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        return Unpooled.wrappedBuffer(TestPackets.tcp(SERVER, CLIENT, 5201, 40000, 7_000, 99, flags, TIMESTAMPS, payload));
    }

    /** Splits a packet that sits alone in its buffer, read through a view of that buffer. */
    private int split(ByteBuf packet, int segmentSize, int headroom) {
        return split(packet, segmentSize, headroom, 0);
    }

    private int split(ByteBuf packet, int segmentSize, int headroom, int tailroom) {
        return TcpSegmentation.split(packet, packet.nioBuffer(0, packet.writerIndex()), segmentSize,
                PooledByteBufAllocator.DEFAULT, headroom, tailroom, out::add);
    }

    private static boolean completeChecksum(ByteBuf packet, int start, int offset) {
        return TcpSegmentation.completeChecksum(packet, packet.nioBuffer(0, packet.writerIndex()), start, offset);
    }

    @Test
    void cutsIntoSegmentsWithTheirOwnLengthsSequencesIdsAndChecksums() {
        ByteBuf packet = superPacket(2500, ACK | PSH | FIN | CWR);

        int n = split(packet, 1000, 16, 16);

        assertThat(n).isEqualTo(3);
        assertThat(out).hasSize(3);
        int headers = 20 + 32;
        for (int i = 0; i < 3; i++) {
            ByteBuf s = out.get(i);
            int size = i < 2 ? 1000 : 500;
            assertThat(s.readerIndex()).as("headroom").isEqualTo(16);
            assertThat(s.readableBytes()).isEqualTo(headers + size);
            assertThat(s.writableBytes()).as("tailroom").isEqualTo(16);
            assertThat(Ipv4Header.totalLength(s)).isEqualTo(headers + size);
            assertThat(s.getUnsignedShort(s.readerIndex() + 4)).as("IP id").isEqualTo(0x1234 + i);
            assertThat(s.getInt(s.readerIndex() + 24)).as("sequence").isEqualTo(7_000 + i * 1000);
            assertThat(s.getByte(s.readerIndex() + headers)).as("first payload byte").isEqualTo((byte) (i * 1000));
            int flags = s.getUnsignedByte(s.readerIndex() + 33);
            assertThat(flags & (PSH | FIN)).as("PSH and FIN on the last only").isEqualTo(i == 2 ? PSH | FIN : 0);
            assertThat(flags & CWR).as("CWR on the first only").isEqualTo(i == 0 ? CWR : 0);
            assertThat(flags & ACK).isEqualTo(ACK);
            assertThat(TestPackets.headerChecksumVerifies(s)).isTrue();
            assertThat(TestPackets.tcpChecksumVerifies(s)).as("segment %d", i).isTrue();
        }
    }

    /** As the tun reader calls it: the packet after a virtio-net header in its read buffer, read through a NIO view. */
    @Test
    void aPacketBehindAHeaderInASharedBufferIsSummedAtItsOwnOffset() {
        ByteBuf packet = superPacket(2500, ACK);
        ByteBuffer memory = ByteBuffer.allocateDirect(10 + packet.readableBytes());
        memory.put(10, ByteBufUtil.getBytes(packet)); // bytes 0..9 stand for the virtio-net header
        ByteBuf readBuffer = Unpooled.wrappedBuffer(memory.duplicate()).readerIndex(10);

        assertThat(TcpSegmentation.split(readBuffer, memory, 1000, PooledByteBufAllocator.DEFAULT, 0, 0, out::add))
                .isEqualTo(3);
        for (ByteBuf segment : out) {
            assertThat(TestPackets.tcpChecksumVerifies(segment)).isTrue();
        }
    }

    @Test
    void aPacketNoLongerThanOneSegmentComesOutAsOne() {
        ByteBuf packet = superPacket(600, ACK);

        assertThat(split(packet, 1000, 0)).isEqualTo(1);

        assertThat(out.get(0).readableBytes()).isEqualTo(packet.readableBytes());
        assertThat(TestPackets.tcpChecksumVerifies(out.get(0))).isTrue();
    }

    @Test
    void malformedSuperPacketsProduceNothing() {
        ByteBuf udp = Unpooled.wrappedBuffer(TestPackets.udp(SERVER, CLIENT, 1, 2, new byte[3000]));
        ByteBuf truncated = superPacket(2000, ACK).capacity(30);
        ByteBuf badTcpHeader = superPacket(2000, ACK);
        badTcpHeader.setByte(20 + 12, 0xF0); // a 60-byte TCP header...
        badTcpHeader.writerIndex(70);        // ...in a 70-byte packet

        assertThat(split(udp, 1000, 0)).isZero();
        assertThat(split(truncated, 1000, 0)).isZero();
        assertThat(split(badTcpHeader, 1000, 0)).isZero();
        assertThat(split(superPacket(100, ACK), 0, 0)).isZero();
        assertThat(out).isEmpty();
    }

    @Test
    void completesAPartialTcpChecksum() {
        ByteBuf packet = superPacket(300, ACK);
        int tcpLength = packet.readableBytes() - 20;
        packet.setShort(36, InternetChecksum.fold(InternetChecksum.sum(packet, 12, 8, 6 + tcpLength)));
        assertThat(TestPackets.tcpChecksumVerifies(packet)).as("partial before").isFalse();

        assertThat(completeChecksum(packet, 20, 16)).isTrue();

        assertThat(TestPackets.tcpChecksumVerifies(packet)).isTrue();
    }

    @Test
    void aUdpChecksumThatComesOutZeroIsSentAsAllOnes() {
        // The checksum field holds the pseudo-header sum, as the kernel leaves it; the first payload word is chosen
        // so that the whole sum folds to 0xFFFF, i.e. a computed checksum of 0.
        ByteBuf packet = Unpooled.wrappedBuffer(TestPackets.udp(SERVER, CLIENT, 1, 2, new byte[8]));
        int partial = InternetChecksum.fold(InternetChecksum.sum(packet, 12, 8, 17 + 16));
        packet.setShort(26, partial);
        packet.setShort(28, 0);
        long rest = InternetChecksum.sum(packet, 20, 16, 0);
        int word = 0xFFFF - InternetChecksum.fold(rest);
        packet.setShort(28, word);
        assertThat(InternetChecksum.fold(InternetChecksum.sum(packet, 20, 16, 0))).isEqualTo(0xFFFF);

        assertThat(completeChecksum(packet, 20, 6)).isTrue();

        assertThat(packet.getUnsignedShort(26)).isEqualTo(0xFFFF);
    }

    @Test
    void checksumPositionsOutsideThePacketAreRefused() {
        ByteBuf packet = superPacket(10, ACK);
        ByteBuf before = packet.copy();

        assertThat(completeChecksum(packet, 20, packet.readableBytes())).isFalse();
        assertThat(completeChecksum(packet, -1, 16)).isFalse();

        assertThat(packet).isEqualTo(before);
        before.release();
    }
}
