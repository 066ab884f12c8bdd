package io.github.tunnelgw.tun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import net.jqwik.api.ForAll;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class Ipv4HeaderTest {

    /** A header with every field given, options of {@code ihl - 5} words, then payload and trailing bytes. */
    static ByteBuf packet(int offset, int version, int ihl, int total, int protocol, int source, int destination,
                          int readable) {
        ByteBuf buf = Unpooled.buffer(offset + Math.max(readable, 20));
        buf.writeZero(offset).readerIndex(offset);
        buf.writeByte(version << 4 | ihl).writeByte(0).writeShort(total).writeShort(0x4242).writeShort(0x4000)
                .writeByte(64).writeByte(protocol).writeShort(0).writeInt(source).writeInt(destination);
        buf.writeZero(Math.max(0, readable - 20));
        buf.writerIndex(offset + readable);
        return buf;
    }

    // Seven parameters have thousands of edge-case combinations; random tries cover them better than a truncated list.
    @Property(tries = 1000, edgeCases = EdgeCasesMode.NONE)
    void fieldsOfAnyWellFormedHeaderReadBackAsWritten(
            @ForAll int source, @ForAll int destination, @ForAll @IntRange(min = 0, max = 255) int protocol,
            @ForAll @IntRange(min = 5, max = 15) int ihl, @ForAll @IntRange(min = 0, max = 1400) int payload,
            @ForAll @IntRange(min = 0, max = 64) int offset, @ForAll @IntRange(min = 0, max = 8) int trailing) {
        int total = ihl * 4 + payload;
        ByteBuf buf = packet(offset, 4, ihl, total, protocol, source, destination, total + trailing);
        assertThat(Ipv4Header.isWellFormedIpv4(buf)).isTrue();
        assertThat(Ipv4Header.version(buf)).isEqualTo(4);
        assertThat(Ipv4Header.headerLength(buf)).isEqualTo(ihl * 4);
        assertThat(Ipv4Header.totalLength(buf)).isEqualTo(total);
        assertThat(Ipv4Header.protocol(buf)).isEqualTo(protocol);
        assertThat(Ipv4Header.source(buf)).isEqualTo(source);
        assertThat(Ipv4Header.destination(buf)).isEqualTo(destination);
        assertThat(buf.readerIndex()).as("views do not move the reader index").isEqualTo(offset);
    }

    @Property(tries = 300)
    void totalLengthBeyondTheReadableBytesIsRejected(@ForAll @IntRange(min = 21, max = 65535) int total,
                                                     @ForAll @IntRange(min = 1, max = 20) int missing) {
        int readable = Math.max(20, total - missing);
        assertThat(Ipv4Header.isWellFormedIpv4(packet(0, 4, 5, total, 17, 1, 2, readable)))
                .isEqualTo(total <= readable);
    }

    @Property(tries = 200)
    void anyVersionButFourIsRejected(@ForAll @IntRange(min = 0, max = 15) int version) {
        assertThat(Ipv4Header.isWellFormedIpv4(packet(0, version, 5, 40, 17, 1, 2, 40))).isEqualTo(version == 4);
    }

    @Property(tries = 200)
    void headerLengthBelowTwentyOrBeyondTheTotalIsRejected(@ForAll @IntRange(min = 0, max = 15) int ihl,
                                                           @ForAll @IntRange(min = 20, max = 60) int total) {
        boolean plausible = ihl >= 5 && ihl * 4 <= total;
        assertThat(Ipv4Header.isWellFormedIpv4(packet(0, 4, ihl, total, 17, 1, 2, total))).isEqualTo(plausible);
    }

    @Property(tries = 100)
    void truncatedPacketsAreRejected(@ForAll @IntRange(min = 0, max = 19) int readable) {
        ByteBuf buf = packet(0, 4, 5, 20, 17, 1, 2, 20);
        buf.writerIndex(readable);
        assertThat(Ipv4Header.isWellFormedIpv4(buf)).isFalse();
    }

    @Test
    void emptyBufferIsRejected() {
        assertThat(Ipv4Header.isWellFormedIpv4(Unpooled.EMPTY_BUFFER)).isFalse();
    }

    @Test
    void totalLengthBelowTwentyIsRejectedEvenWithEnoughBytes() {
        assertThat(Ipv4Header.isWellFormedIpv4(packet(0, 4, 5, 19, 17, 1, 2, 40))).isFalse();
        assertThat(Ipv4Header.isWellFormedIpv4(packet(0, 4, 5, 0, 17, 1, 2, 40))).isFalse();
    }

    @Test
    void addressesAreBigEndianInts() {
        ByteBuf buf = packet(8, 4, 5, 28, 17, Ipv4Header.parse("10.99.0.1"), Ipv4Header.parse("192.168.255.254"), 28);
        assertThat(Ipv4Header.source(buf)).isEqualTo(0x0A630001);
        assertThat(Ipv4Header.format(Ipv4Header.destination(buf))).isEqualTo("192.168.255.254");
        assertThat((int) buf.getUnsignedByte(8 + 16)).isEqualTo(192);
    }
}
