package io.github.tunnelgw.tun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class PacketPipeTest {
    @Test
    void theFarEndReceivesWhatTheQueueWritesBehindAVirtioHeaderAndItsSendsComeOutOfQueueReads() throws IOException {
        try (PacketPipe pipe = PacketPipe.open("pipe-test")) {
            TunQueue queue = pipe.queue();
            assertThat(queue.readHeadroom()).as("a queue with the virtio header, as a tun queue").isEqualTo(10);
            assertThat(queue.write(Unpooled.directBuffer().writeBytes(bytes("uplink packet")))).isTrue();

            ByteBuffer far = ByteBuffer.allocateDirect(100);
            assertThat(pipe.receive(far)).isEqualTo(PacketPipe.HEADER_LENGTH + 13);
            byte[] header = new byte[PacketPipe.HEADER_LENGTH];
            far.get(0, header);
            assertThat(header).as("no offload asked for a plain write").containsOnly(0);
            assertThat(text(far, PacketPipe.HEADER_LENGTH, 13)).isEqualTo("uplink packet");

            ByteBuffer reply = ByteBuffer.allocateDirect(100);
            reply.put(new byte[PacketPipe.HEADER_LENGTH]).put(bytes("downlink")).flip();
            assertThat(pipe.send(reply)).isTrue();
            ByteBuf into = Unpooled.directBuffer(100, 100).writerIndex(16).readerIndex(16);
            try {
                assertThat(queue.read(into)).isEqualTo(8);
                assertThat(into.toString(StandardCharsets.US_ASCII)).isEqualTo("downlink");
                assertThat(queue.read(into.writerIndex(16))).as("non-blocking: nothing more").isZero();
            } finally {
                into.release();
            }
        }
    }

    @Test
    void closingWakesAThreadBlockedOnTheFarEndAndClosesTheQueue() throws Exception {
        PacketPipe pipe = PacketPipe.open("pipe-test");
        CompletableFuture<Integer> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                return pipe.receive(ByteBuffer.allocateDirect(100));
            } catch (IOException e) {
                return -2;
            }
        });
        Thread.sleep(200);
        assertThat(blocked).as("blocked while nothing is written").isNotDone();

        pipe.close();

        assertThat(blocked.get(5, TimeUnit.SECONDS)).as("woken by close, as the end of the pipe").isEqualTo(-1);
        assertThat(pipe.queue().isClosed()).isTrue();
        assertThat(pipe.send(ByteBuffer.allocateDirect(20))).as("nothing is sent once closed").isFalse();
        pipe.close(); // idempotent
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static String text(ByteBuffer buffer, int at, int length) {
        byte[] out = new byte[length];
        buffer.get(at, out);
        return new String(out, StandardCharsets.US_ASCII);
    }
}
