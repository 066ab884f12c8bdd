package io.github.tunnelgw.tun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class Ipv4HeaderTest {

    static ByteBuf packet(int ihlWords, int total, int source, int destination, int readable) {
        ByteBuf buf = Unpooled.buffer(readable);
        buf.writeByte(0x40 | ihlWords).writeByte(0).writeShort(total).writeInt(0).writeByte(64).writeByte(17).writeShort(0)
                .writeInt(source).writeInt(destination);
        buf.writeZero(Math.max(0, readable - 20));
        buf.writerIndex(readable);
        return buf;
    }

    @Property(tries = 500)
    void readsFieldsOfAnyWellFormedHeader(@ForAll int source, @ForAll int destination,
                                          @ForAll @IntRange(min = 5, max = 15) int ihl, @ForAll @IntRange(min = 0, max = 1400) int payload) {
        int total = ihl * 4 + payload;
        ByteBuf buf = packet(ihl, total, source, destination, total);
        assertThat(Ipv4Header.isWellFormedIpv4(buf)).isTrue();
        assertThat(Ipv4Header.version(buf)).isEqualTo(4);
        assertThat(Ipv4Header.source(buf)).isEqualTo(source);
        assertThat(Ipv4Header.destination(buf)).isEqualTo(destination);
        assertThat(Ipv4Header.totalLength(buf)).isEqualTo(total);
    }

    @Property(tries = 300)
    void totalLengthBeyondTheBufferIsRejected(@ForAll @IntRange(min = 21, max = 1500) int total) {
        assertThat(Ipv4Header.isWellFormedIpv4(packet(5, total, 1, 2, total - 1))).isFalse();
    }

    @Test
    void truncatedWrongVersionAndBadHeaderLengthAreRejected() {
        assertThat(Ipv4Header.isWellFormedIpv4(Unpooled.wrappedBuffer(new byte[19]))).isFalse();
        assertThat(Ipv4Header.isWellFormedIpv4(Unpooled.EMPTY_BUFFER)).isFalse();
        ByteBuf v6 = packet(5, 40, 1, 2, 40);
        v6.setByte(0, 0x65);
        assertThat(Ipv4Header.isWellFormedIpv4(v6)).isFalse();
        assertThat(Ipv4Header.isWellFormedIpv4(packet(4, 40, 1, 2, 40))).as("IHL below 5").isFalse();
        assertThat(Ipv4Header.isWellFormedIpv4(packet(15, 40, 1, 2, 40))).as("IHL beyond total length").isFalse();
    }

    @Test
    void honoursTheReaderIndex() {
        ByteBuf buf = Unpooled.buffer().writeZero(8).writeBytes(packet(5, 28, 0x0A000001, 0x0A000002, 28));
        buf.readerIndex(8);
        assertThat(Ipv4Header.isWellFormedIpv4(buf)).isTrue();
        assertThat(Ipv4Header.source(buf)).isEqualTo(0x0A000001);
    }
}
