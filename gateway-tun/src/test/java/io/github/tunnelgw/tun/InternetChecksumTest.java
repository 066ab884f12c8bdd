package io.github.tunnelgw.tun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class InternetChecksumTest {
    private final Random random = new Random(20261123);

    private static int reference(byte[] data, int offset, int length, long initial) {
        return TestPackets.fold(TestPackets.sum(data, offset, length, initial));
    }

    @Test
    void everyLengthAndAlignmentSumsAsRfc1071InEveryKindOfBuffer() {
        byte[] data = new byte[1600];
        random.nextBytes(data);
        ByteBuf pooledDirect = PooledByteBufAllocator.DEFAULT.directBuffer(data.length).writeBytes(data);
        ByteBuf heap = Unpooled.wrappedBuffer(data.clone());
        ByteBuf unpooledDirect = Unpooled.directBuffer(data.length).writeBytes(data);
        CompositeByteBuf composite = Unpooled.compositeBuffer()
                .addComponent(true, Unpooled.wrappedBuffer(data, 0, 701))
                .addComponent(true, Unpooled.wrappedBuffer(data, 701, data.length - 701));
        ByteBuffer directNio = ByteBuffer.allocateDirect(data.length).put(data);
        ByteBuffer heapNio = ByteBuffer.wrap(data.clone());
        try {
            for (int offset = 0; offset < 9; offset++) {
                for (int length = 0; length + offset <= data.length; length += 1 + length / 7) {
                    long initial = random.nextInt(1 << 20);
                    int expected = reference(data, offset, length, initial);
                    assertThat(InternetChecksum.fold(InternetChecksum.sum(pooledDirect, offset, length, initial)))
                            .as("pooled direct, offset %d, length %d", offset, length).isEqualTo(expected);
                    assertThat(InternetChecksum.fold(InternetChecksum.sum(heap, offset, length, initial)))
                            .as("heap, offset %d, length %d", offset, length).isEqualTo(expected);
                    assertThat(InternetChecksum.fold(InternetChecksum.sum(unpooledDirect, offset, length, initial)))
                            .as("unpooled direct, offset %d, length %d", offset, length).isEqualTo(expected);
                    assertThat(InternetChecksum.fold(InternetChecksum.sum(composite, offset, length, initial)))
                            .as("composite, offset %d, length %d", offset, length).isEqualTo(expected);
                    assertThat(InternetChecksum.fold(InternetChecksum.sum(directNio, offset, length, initial)))
                            .as("direct NIO, offset %d, length %d", offset, length).isEqualTo(expected);
                    assertThat(InternetChecksum.fold(InternetChecksum.sum(heapNio, offset, length, initial)))
                            .as("heap NIO, offset %d, length %d", offset, length).isEqualTo(expected);
                }
            }
        } finally {
            pooledDirect.release();
            heap.release();
            unpooledDirect.release();
            composite.release();
        }
    }

    @Test
    void aFullSizedSuperPacketDoesNotOverflowTheSum() {
        byte[] ones = new byte[65535];
        java.util.Arrays.fill(ones, (byte) 0xFF);
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(ones.length).writeBytes(ones);
        try {
            assertThat(InternetChecksum.fold(InternetChecksum.sum(buf, 0, ones.length, 0xFFFF_FFFFL)))
                    .isEqualTo(reference(ones, 0, ones.length, 0xFFFF_FFFFL));
            assertThat(InternetChecksum.fold(InternetChecksum.sum(ByteBuffer.wrap(ones), 0, ones.length, 0xFFFF_FFFFL)))
                    .isEqualTo(reference(ones, 0, ones.length, 0xFFFF_FFFFL));
        } finally {
            buf.release();
        }
    }

    @Test
    void summingLeavesTheBufferAsItWas() {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(64).writeBytes(new byte[40]);
        try {
            buf.readerIndex(3);
            InternetChecksum.sum(buf, 5, 20, 0);
            assertThat(buf.readerIndex()).isEqualTo(3);
            assertThat(buf.writerIndex()).isEqualTo(40);
        } finally {
            buf.release();
        }
    }
}
