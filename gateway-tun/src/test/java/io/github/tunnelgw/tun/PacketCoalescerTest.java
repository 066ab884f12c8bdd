package io.github.tunnelgw.tun;

import static io.github.tunnelgw.tun.TestPackets.ACK;
import static io.github.tunnelgw.tun.TestPackets.FIN;
import static io.github.tunnelgw.tun.TestPackets.PSH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The merge rules for TCP segments and UDP datagrams, over a socket pair whose writing end adds the virtio header as a tun queue does; the test reads
 * the other end raw and checks the header and the packet the kernel would get. (TunDeviceNamespaceTest has the
 * kernel cut a real super-packet.)
 */
class PacketCoalescerTest {
    static final int CLIENT = 0x0A640005;   // 10.100.0.5
    static final int SERVER = 0x0A000202;   // 10.0.2.2
    static final byte[] NO_OPTIONS = {};
    static final byte[] TIMESTAMPS = {1, 1, 8, 10, 0, 0, 0, 7, 0, 0, 0, 9};

    final SeqPacketPair pair;
    final PacketCoalescer coalescer;
    final List<ByteBuf> toRelease = new ArrayList<>();

    PacketCoalescerTest() throws IOException {
        pair = new SeqPacketPair(true);
        coalescer = new PacketCoalescer(new TunQueue[] {pair.b});
    }

    @AfterEach
    void cleanUp() {
        pair.close();
        toRelease.forEach(ByteBuf::release);
    }

    /** A segment of the client's connection from port 40000 with {@code length} payload bytes valued {@code fill}. */
    static ByteBuf segment(int sequence, int length, int flags, byte[] options, int fill) {
        return segment(40000, sequence, length, flags, options, fill);
    }

    static ByteBuf segment(int port, int sequence, int length, int flags, byte[] options, int fill) {
        byte[] payload = new byte[length];
        Arrays.fill(payload, (byte) fill);
        return Unpooled.wrappedBuffer(TestPackets.tcp(CLIENT, SERVER, port, 5201, sequence, 777, flags, options, payload));
    }

    /** One write as it reached the pair: the virtio header fields and the packet behind it. */
    record Written(int flags, int gsoType, int headersLength, int segmentSize, int checksumStart, int checksumOffset,
                   ByteBuf packet) {
    }

    Written next() throws IOException {
        ByteBuf raw = Unpooled.directBuffer(70_000, 70_000);
        toRelease.add(raw);
        int n = pair.a.read(raw);
        assertThat(n).as("a write reached the pair").isGreaterThan(VirtioNetHeader.LENGTH);
        ByteBuf header = raw.slice(0, VirtioNetHeader.LENGTH).order(ByteOrder.nativeOrder());
        return new Written(header.getUnsignedByte(0), header.getUnsignedByte(1), header.getUnsignedShort(2),
                header.getUnsignedShort(4), header.getUnsignedShort(6), header.getUnsignedShort(8),
                raw.slice(VirtioNetHeader.LENGTH, n - VirtioNetHeader.LENGTH));
    }

    void assertNothingMoreWritten() throws IOException {
        ByteBuf raw = Unpooled.directBuffer(70_000, 70_000);
        toRelease.add(raw);
        assertThat(pair.a.read(raw)).as("no further write").isZero();
    }

    /** What the kernel does with a NEEDS_CSUM packet: complete the TCP checksum from the pseudo-header sum. */
    static void completeChecksum(Written w) {
        ByteBuf p = w.packet();
        int field = w.checksumStart() + w.checksumOffset();
        long sum = InternetChecksum.sum(p, w.checksumStart(), p.readableBytes() - w.checksumStart(), 0);
        p.setShort(field, ~InternetChecksum.fold(sum));
    }

    static int sequence(ByteBuf packet) {
        return packet.getInt(20 + 4);
    }

    static int tcpFlags(ByteBuf packet) {
        return packet.getUnsignedByte(20 + 13);
    }

    @Test
    void consecutiveFullSegmentsLeaveAsOneSuperPacketWithAGsoHeader() throws IOException {
        for (int i = 0; i < 3; i++) {
            assertThat(coalescer.add(segment(1000 + i * 1000, 1000, ACK, TIMESTAMPS, 'a' + i), 5)).isTrue();
        }
        assertNothingMoreWritten();

        assertThat(coalescer.flush()).as("segments merged into the first one's super-packet").isEqualTo(2);

        Written w = next();
        assertThat(w.flags()).as("NEEDS_CSUM").isEqualTo(VirtioNetHeader.F_NEEDS_CSUM);
        assertThat(w.gsoType()).as("TCPV4").isEqualTo(VirtioNetHeader.GSO_TCPV4);
        assertThat(w.headersLength()).isEqualTo(20 + 32);
        assertThat(w.segmentSize()).isEqualTo(1000);
        assertThat(w.checksumStart()).isEqualTo(20);
        assertThat(w.checksumOffset()).isEqualTo(16);
        ByteBuf p = w.packet();
        assertThat(p.readableBytes()).isEqualTo(20 + 32 + 3000);
        assertThat(Ipv4Header.totalLength(p)).isEqualTo(20 + 32 + 3000);
        assertThat(TestPackets.headerChecksumVerifies(p)).isTrue();
        assertThat(sequence(p)).isEqualTo(1000);
        assertThat(p.getByte(20 + 32)).isEqualTo((byte) 'a');
        assertThat(p.getByte(20 + 32 + 1000)).isEqualTo((byte) 'b');
        assertThat(p.getByte(20 + 32 + 2999)).isEqualTo((byte) 'c');
        completeChecksum(w);
        assertThat(TestPackets.tcpChecksumVerifies(p)).as("the pseudo-header sum completes to a valid checksum").isTrue();
        assertNothingMoreWritten();
    }

    @Test
    void aLoneSegmentLeavesUnchangedWithAPlainHeader() throws IOException {
        ByteBuf original = segment(1, 700, ACK | PSH, NO_OPTIONS, 'x');
        coalescer.add(original, 0);
        assertThat(coalescer.flush()).isZero();

        Written w = next();
        assertThat(w.flags()).isZero();
        assertThat(w.gsoType()).isEqualTo(VirtioNetHeader.GSO_NONE);
        assertThat(ByteBufUtil.equals(w.packet(), original)).isTrue();
    }

    @Test
    void aShortOrPushedSegmentEndsTheSuperPacket() throws IOException {
        coalescer.add(segment(0, 1000, ACK, NO_OPTIONS, 1), 0);
        coalescer.add(segment(1000, 1000, ACK, NO_OPTIONS, 2), 0);
        coalescer.add(segment(2000, 400, ACK, NO_OPTIONS, 3), 0);    // short: the last of this super-packet
        coalescer.add(segment(2400, 1000, ACK, NO_OPTIONS, 4), 0);
        coalescer.add(segment(3400, 1000, ACK | PSH, NO_OPTIONS, 5), 0); // PSH: the last of the next one
        coalescer.add(segment(4400, 1000, ACK, NO_OPTIONS, 6), 0);
        coalescer.flush();

        Written first = next();
        assertThat(first.packet().readableBytes()).isEqualTo(40 + 2400);
        assertThat(first.segmentSize()).isEqualTo(1000);
        Written second = next();
        assertThat(sequence(second.packet())).isEqualTo(2400);
        assertThat(second.packet().readableBytes()).isEqualTo(40 + 2000);
        assertThat(tcpFlags(second.packet())).as("PSH carried to the super-packet").isEqualTo(ACK | PSH);
        Written third = next();
        assertThat(sequence(third.packet())).isEqualTo(4400);
        assertThat(third.gsoType()).as("alone").isEqualTo(VirtioNetHeader.GSO_NONE);
        assertNothingMoreWritten();
    }

    @Test
    void aFinOrAPureAckGoesOutAfterWhatIsHeldOfItsConnection() throws IOException {
        coalescer.add(segment(0, 1000, ACK, NO_OPTIONS, 1), 0);
        coalescer.add(segment(1000, 1000, ACK, NO_OPTIONS, 2), 0);
        ByteBuf fin = segment(2000, 10, ACK | FIN, NO_OPTIONS, 3);
        assertThat(coalescer.add(fin, 0)).isTrue();
        assertThat(coalescer.flush()).as("the early write is counted at the next flush").isEqualTo(1);

        Written merged = next();
        assertThat(merged.packet().readableBytes()).as("flushed before the FIN").isEqualTo(40 + 2000);
        Written last = next();
        assertThat(ByteBufUtil.equals(last.packet(), fin)).isTrue();
        assertNothingMoreWritten();

        ByteBuf ack = segment(0, 0, ACK, NO_OPTIONS, 0);
        coalescer.add(ack, 0);
        assertThat(ByteBufUtil.equals(next().packet(), ack)).as("nothing to merge: written at once").isTrue();
    }

    @Test
    void gapsAndChangedHeadersAreNotMerged() throws IOException {
        coalescer.add(segment(0, 1000, ACK, TIMESTAMPS, 1), 0);
        coalescer.add(segment(5000, 1000, ACK, TIMESTAMPS, 2), 0);         // a gap
        byte[] laterTimestamps = TIMESTAMPS.clone();
        laterTimestamps[7] = 8;
        coalescer.add(segment(6000, 1000, ACK, laterTimestamps, 3), 0);    // other options
        assertThat(coalescer.flush()).as("nothing merged").isZero();

        assertThat(sequence(next().packet())).isEqualTo(0);
        assertThat(sequence(next().packet())).isEqualTo(5000);
        assertThat(sequence(next().packet())).isEqualTo(6000);
        assertNothingMoreWritten();
    }

    @Test
    void interleavedConnectionsAreMergedEachInTheOrderTheyFirstCame() throws IOException {
        for (int i = 0; i < 3; i++) {
            coalescer.add(segment(40001, i * 1000, 1000, ACK, NO_OPTIONS, 'a'), 0);
            coalescer.add(segment(40002, 50_000 + i * 1000, 1000, ACK, NO_OPTIONS, 'b'), 0);
        }
        coalescer.flush();

        Written a = next();
        Written b = next();
        assertThat(a.packet().getUnsignedShort(20)).isEqualTo(40001);
        assertThat(a.packet().readableBytes()).isEqualTo(40 + 3000);
        assertThat(b.packet().getUnsignedShort(20)).isEqualTo(40002);
        assertThat(b.packet().readableBytes()).isEqualTo(40 + 3000);
        assertNothingMoreWritten();
    }

    @Test
    void moreConnectionsThanSlotsFlushTheOldestFirst() throws IOException {
        for (int port = 0; port <= PacketCoalescer.MAX_FLOWS; port++) {
            coalescer.add(segment(41000 + port, 0, 100, ACK, NO_OPTIONS, 1), 0);
        }
        Written oldest = next();
        assertThat(oldest.packet().getUnsignedShort(20)).as("the ninth connection pushed out the first").isEqualTo(41000);
        assertNothingMoreWritten();
        coalescer.flush();
        for (int port = 1; port <= PacketCoalescer.MAX_FLOWS; port++) {
            assertThat(next().packet().getUnsignedShort(20)).isEqualTo(41000 + port);
        }
        assertNothingMoreWritten();
    }

    @Test
    void aSuperPacketStaysWithin64KiB() throws IOException {
        for (int i = 0; i < 50; i++) {
            coalescer.add(segment(i * 1400, 1400, ACK, NO_OPTIONS, i), 0);
        }
        coalescer.flush();

        Written first = next();
        Written second = next();
        assertThat(first.packet().readableBytes()).isLessThanOrEqualTo(65_535).isEqualTo(40 + 46 * 1400);
        assertThat(sequence(second.packet())).isEqualTo(46 * 1400);
        assertThat(second.packet().readableBytes()).isEqualTo(40 + 4 * 1400);
        assertNothingMoreWritten();
    }

    @Test
    void otherPacketsGoOutAtOnceAndUntouched() throws IOException {
        ByteBuf held = segment(0, 1000, ACK, NO_OPTIONS, 1);
        coalescer.add(held, 0);
        ByteBuf icmp = Unpooled.wrappedBuffer(TestPackets.udp(CLIENT, SERVER, 1, 2, new byte[64]));
        icmp.setByte(9, 1); // another protocol: nothing to merge
        ByteBuf garbage = Unpooled.wrappedBuffer(new byte[] {0x45, 0, 0, 99, 1, 2, 3});
        ByteBuf fragment = segment(0, 1000, ACK, NO_OPTIONS, 1);
        fragment.setShort(6, 0x2000); // more fragments
        coalescer.add(icmp, 0);
        coalescer.add(garbage, 0);
        coalescer.add(fragment, 0);

        assertThat(ByteBufUtil.equals(next().packet(), icmp)).isTrue();
        assertThat(ByteBufUtil.equals(next().packet(), garbage)).isTrue();
        assertThat(ByteBufUtil.equals(next().packet(), fragment)).isTrue();
        assertNothingMoreWritten();
        coalescer.flush();
        assertThat(ByteBufUtil.equals(next().packet(), held)).isTrue();
    }

    static ByteBuf datagram(int port, int length, int fill) {
        byte[] payload = new byte[length];
        Arrays.fill(payload, (byte) fill);
        return Unpooled.wrappedBuffer(TestPackets.udp(CLIENT, SERVER, port, 5201, payload));
    }

    @Test
    void udpDatagramsOfOneFlowLeaveAsOneSuperPacketWithAUdpGsoHeader() throws IOException {
        for (int i = 0; i < 4; i++) {
            coalescer.add(datagram(40000, 64, 'a' + i), 3);
        }
        coalescer.add(datagram(40000, 20, 'z'), 3); // shorter: the last of this super-packet
        coalescer.add(datagram(40000, 64, 'n'), 3);

        assertThat(coalescer.flush()).isEqualTo(4);

        Written w = next();
        assertThat(w.flags()).isEqualTo(VirtioNetHeader.F_NEEDS_CSUM);
        assertThat(w.gsoType()).isEqualTo(VirtioNetHeader.GSO_UDP_L4);
        assertThat(w.headersLength()).isEqualTo(28);
        assertThat(w.segmentSize()).isEqualTo(64);
        assertThat(w.checksumStart()).isEqualTo(20);
        assertThat(w.checksumOffset()).isEqualTo(6);
        ByteBuf p = w.packet();
        assertThat(p.readableBytes()).isEqualTo(28 + 4 * 64 + 20);
        assertThat(Ipv4Header.totalLength(p)).isEqualTo(p.readableBytes());
        assertThat(TestPackets.headerChecksumVerifies(p)).isTrue();
        assertThat(p.getUnsignedShort(24)).as("UDP length of the whole").isEqualTo(8 + 4 * 64 + 20);
        assertThat(p.getByte(28 + 64)).isEqualTo((byte) 'b');
        assertThat(p.getByte(28 + 4 * 64)).isEqualTo((byte) 'z');
        completeChecksum(w);
        assertThat(TestPackets.udpChecksumVerifies(p)).isTrue();
        Written alone = next();
        assertThat(alone.gsoType()).isEqualTo(VirtioNetHeader.GSO_NONE);
        assertThat(alone.packet().getByte(28)).isEqualTo((byte) 'n');
        assertNothingMoreWritten();
    }

    @Test
    void udpAndTcpFlowsWithTheSamePortsStayApart() throws IOException {
        coalescer.add(datagram(40000, 100, 1), 0);
        coalescer.add(segment(40000, 0, 100, ACK, NO_OPTIONS, 2), 0);
        coalescer.add(datagram(40000, 100, 3), 0);
        coalescer.add(segment(40000, 100, 100, ACK, NO_OPTIONS, 4), 0);
        coalescer.flush();

        Written udp = next();
        Written tcp = next();
        assertThat(udp.gsoType()).isEqualTo(VirtioNetHeader.GSO_UDP_L4);
        assertThat(udp.packet().readableBytes()).isEqualTo(28 + 200);
        assertThat(tcp.gsoType()).isEqualTo(VirtioNetHeader.GSO_TCPV4);
        assertThat(tcp.packet().readableBytes()).isEqualTo(40 + 200);
        assertNothingMoreWritten();
    }

    @Test
    void emptyOrInconsistentDatagramsGoOutAtOnce() throws IOException {
        ByteBuf empty = datagram(40000, 0, 0);
        ByteBuf wrongLength = datagram(40001, 50, 1);
        wrongLength.setShort(24, 30); // UDP length disagrees with the IP length
        coalescer.add(empty, 0);
        coalescer.add(wrongLength, 0);

        assertThat(ByteBufUtil.equals(next().packet(), empty)).isTrue();
        assertThat(ByteBufUtil.equals(next().packet(), wrongLength)).isTrue();
        assertNothingMoreWritten();
    }

    @Test
    void needsAQueue() {
        assertThatThrownBy(() -> new PacketCoalescer(new TunQueue[0])).isInstanceOf(IllegalArgumentException.class);
    }
}
