package io.github.tunnelgw.tun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** TunQueue's packet I/O over a real kernel object that keeps packet boundaries (a SOCK_SEQPACKET pair); no root. */
@Timeout(60)
class TunQueueTest {
    final SeqPacketPair pair;

    TunQueueTest() throws IOException {
        pair = new SeqPacketPair();
    }

    @AfterEach
    void closePair() {
        pair.close();
    }

    static ByteBuf direct(String text) {
        return Unpooled.directBuffer().writeBytes(text.getBytes(StandardCharsets.US_ASCII));
    }

    static String text(ByteBuf buf) {
        return buf.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void readPutsOnePacketAtTheWriterIndexAndReturnsZeroWhenNoneIsReady() throws IOException {
        assertThat(pair.b.write(direct("first"))).isTrue();
        assertThat(pair.b.write(direct("second packet"))).isTrue();
        ByteBuf into = PooledByteBufAllocator.DEFAULT.directBuffer(100, 100);
        try {
            into.writerIndex(8).readerIndex(8);
            assertThat(pair.a.read(into)).isEqualTo(5);
            assertThat(into.writerIndex()).isEqualTo(13);
            assertThat(text(into)).isEqualTo("first");
            into.writerIndex(8);
            assertThat(pair.a.read(into)).as("one read, one packet").isEqualTo(13);
            assertThat(text(into)).isEqualTo("second packet");
            long start = System.nanoTime();
            assertThat(pair.a.read(into)).as("nothing ready: EAGAIN").isZero();
            assertThat(System.nanoTime() - start).as("non-blocking").isLessThan(50_000_000L);
            assertThat(into.writerIndex()).isEqualTo(8 + 13);
        } finally {
            into.release();
        }
    }

    @Test
    void writeSendsTheReadableBytesOfHeapDirectAndCompositeBuffersWithoutMovingTheReaderIndex() throws IOException {
        ByteBuf heap = Unpooled.buffer().writeBytes("xxxheap".getBytes(StandardCharsets.US_ASCII));
        heap.readerIndex(3);
        ByteBuf directWithHeadroom = direct("12345678direct");
        directWithHeadroom.readerIndex(8);
        ByteBuf frame = direct("CSTP----slice-tail");
        ByteBuf slice = frame.slice(8, 5); // what the CSTP decoder hands on: a view into the middle of a record
        CompositeByteBuf composite = Unpooled.compositeBuffer().addComponents(true, direct("com"), Unpooled.copiedBuffer(
                "posite", StandardCharsets.US_ASCII));
        for (ByteBuf packet : new ByteBuf[] {heap, directWithHeadroom, slice, composite}) {
            int readerIndex = packet.readerIndex();
            assertThat(pair.a.write(packet)).isTrue();
            assertThat(packet.readerIndex()).isEqualTo(readerIndex);
        }
        assertThat(received(pair.b)).isEqualTo("heap");
        assertThat(received(pair.b)).isEqualTo("direct");
        assertThat(received(pair.b)).isEqualTo("slice");
        assertThat(received(pair.b)).isEqualTo("composite");
        assertThat(pair.a.writeErrors()).isZero();
        heap.release();
        directWithHeadroom.release();
        frame.release();
        composite.release();
    }

    /**
     * A queue with a virtio header writes it in front of every packet: from the packet's own memory when it has an
     * address (an I/O vector of addresses), through NIO buffers otherwise (a heap or composite packet).
     */
    @Test
    void writesWithAVirtioHeaderCarryTheHeaderThenThePacketWhateverTheBuffer() throws IOException {
        try (SeqPacketPair withHeader = new SeqPacketPair(true)) {
            ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(64).writeBytes(
                    "hdr-pooled".getBytes(StandardCharsets.US_ASCII));
            pooled.readerIndex(4);
            ByteBuf heap = Unpooled.buffer().writeBytes("heap".getBytes(StandardCharsets.US_ASCII));
            CompositeByteBuf composite = Unpooled.compositeBuffer().addComponents(true, direct("com"), direct("posite"));
            assertThat(pooled.hasMemoryAddress()).as("the address path is the one under test").isTrue();
            for (ByteBuf packet : new ByteBuf[] {pooled, heap, composite}) {
                assertThat(withHeader.b.write(packet)).isTrue();
            }
            for (String expected : new String[] {"pooled", "heap", "composite"}) {
                ByteBuf raw = Unpooled.directBuffer(2048, 2048);
                try {
                    assertThat(withHeader.a.read(raw)).isEqualTo(VirtioNetHeader.LENGTH + expected.length());
                    for (int i = 0; i < VirtioNetHeader.LENGTH; i++) {
                        assertThat(raw.getByte(i)).as("a plain header asks for nothing").isZero();
                    }
                    assertThat(raw.toString(VirtioNetHeader.LENGTH, expected.length(), StandardCharsets.US_ASCII))
                            .isEqualTo(expected);
                } finally {
                    raw.release();
                }
            }
            ByteBuf segments = PooledByteBufAllocator.DEFAULT.directBuffer(100).writeZero(60);
            assertThat(withHeader.b.writeTcpSegments(segments, 20, 40, 10)).isTrue();
            ByteBuf raw = Unpooled.directBuffer(2048, 2048);
            try {
                assertThat(withHeader.a.read(raw)).isEqualTo(VirtioNetHeader.LENGTH + 60);
                assertThat(VirtioNetHeader.gsoType(raw, 0)).isEqualTo(VirtioNetHeader.GSO_TCPV4);
                assertThat(VirtioNetHeader.gsoSize(raw, 0)).isEqualTo(10);
            } finally {
                raw.release();
            }
            assertThat(withHeader.b.writeErrors()).isZero();
            pooled.release();
            heap.release();
            composite.release();
            segments.release();
        }
    }

    static String received(TunQueue queue) throws IOException {
        ByteBuf into = Unpooled.directBuffer(2048, 2048);
        try {
            assertThat(queue.read(into)).isPositive();
            return text(into);
        } finally {
            into.release();
        }
    }

    @Test
    void writeReturnsFalseWhenTheKernelWouldBlockAndRecoversOnceDrained() throws IOException {
        ByteBuf packet = direct("x".repeat(1000));
        int written = 0;
        while (pair.a.write(packet)) {
            written++;
            assertThat(written).as("the socket buffer must fill up").isLessThan(1_000_000);
        }
        assertThat(written).isPositive();
        assertThat(pair.a.writeErrors()).as("EAGAIN is a drop, not an error").isZero();
        assertThat(received(pair.b)).hasSize(1000);
        assertThat(pair.a.write(packet)).isTrue();
        packet.release();
    }

    @Test
    void writeRefusesEmptyAndOversizedPacketsWithoutCallingTheKernel() {
        assertThat(pair.a.write(Unpooled.EMPTY_BUFFER)).isFalse();
        ByteBuf huge = Unpooled.buffer(70_000).writeZero(65_536);
        assertThat(pair.a.write(huge)).isFalse();
        assertThat(pair.a.writeErrors()).isZero();
    }

    @Test
    void kernelErrorsOnWriteAreCountedNotThrown() {
        pair.b.close();
        ByteBuf packet = direct("to nobody");
        assertThat(pair.a.write(packet)).isFalse();
        assertThat(pair.a.write(packet)).isFalse();
        assertThat(pair.a.writeErrors()).isEqualTo(2);
        packet.release();
    }

    @Test
    void readRefusesHeapBuffersAndBuffersWithoutRoom() {
        assertThatThrownBy(() -> pair.a.read(Unpooled.buffer(100))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("direct buffer");
        ByteBuf full = Unpooled.directBuffer(10, 10).writeZero(10);
        assertThatThrownBy(() -> pair.a.read(full)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no room");
        full.release();
    }

    @Test
    void closedQueueReportsItselfClosed() {
        pair.a.close();
        assertThat(pair.a.isClosed()).isTrue();
        ByteBuf into = Unpooled.directBuffer(64);
        assertThatThrownBy(() -> pair.a.read(into)).isInstanceOf(IOException.class);
        into.release();
        pair.a.close();
    }

    @Test
    void endOfFileIsAnError() throws IOException {
        pair.b.close();
        ByteBuf into = Unpooled.directBuffer(100, 100);
        assertThatThrownBy(() -> pair.a.read(into)).isInstanceOf(IOException.class).hasMessageContaining("end of file");
        into.release();
    }

    @Test
    void namesItsDeviceAndPosition() {
        assertThat(pair.b.deviceName()).isEqualTo("pair-b");
        assertThat(pair.b.index()).isEqualTo(1);
        assertThat(pair.b).hasToString("pair-b#1");
    }
}
