package io.github.tunnelgw.core.cstp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CstpFrameDecoderTest {

    private static ByteBuf frame(byte type, byte[] payload) {
        return Unpooled.buffer().writeInt(CstpFrame.MAGIC).writeShort(payload.length).writeByte(type).writeByte(0).writeBytes(payload);
    }

    @Test
    void decodesTwoFramesDeliveredInOneRead() {
        EmbeddedChannel ch = new EmbeddedChannel(new CstpFrameDecoder());
        ch.writeInbound(Unpooled.wrappedBuffer(frame(CstpFrame.DATA, new byte[]{1, 2, 3}), frame(CstpFrame.KEEPALIVE, new byte[0])));
        ByteBuf first = ch.readInbound();
        ByteBuf second = ch.readInbound();
        assertThat(CstpFrame.type(first)).isEqualTo(CstpFrame.DATA);
        assertThat(CstpFrame.payloadLength(first)).isEqualTo(3);
        assertThat(first.readableBytes()).isEqualTo(11);
        assertThat(CstpFrame.type(second)).isEqualTo(CstpFrame.KEEPALIVE);
        assertThat((Object) ch.readInbound()).isNull();
        first.release();
        second.release();
    }

    @Test
    void waitsForTheRestOfAFrame() {
        EmbeddedChannel ch = new EmbeddedChannel(new CstpFrameDecoder());
        ByteBuf whole = frame(CstpFrame.DATA, new byte[100]);
        ch.writeInbound(whole.readRetainedSlice(50));
        assertThat((Object) ch.readInbound()).isNull();
        ch.writeInbound(whole);
        ByteBuf decoded = ch.readInbound();
        assertThat(decoded.readableBytes()).isEqualTo(108);
        decoded.release();
    }

    @Test
    void badMagicIsMalformed() {
        EmbeddedChannel ch = new EmbeddedChannel(new CstpFrameDecoder());
        ByteBuf bad = Unpooled.buffer().writeBytes(new byte[]{'S', 'T', 'G', 1, 0, 0, 0, 0});
        assertThatThrownBy(() -> ch.writeInbound(bad)).isInstanceOf(MalformedFrameException.class).hasMessageContaining("magic");
    }

    @Test
    void aMalformedFrameIsReportedOnceAndNothingAfterItIsDecoded() {
        EmbeddedChannel ch = new EmbeddedChannel(new CstpFrameDecoder());
        ByteBuf bad = Unpooled.buffer().writeBytes(new byte[]{'S', 'T', 'G', 1, 0, 0, 0, 0});
        assertThatThrownBy(() -> ch.writeInbound(bad)).isInstanceOf(MalformedFrameException.class);
        // a valid frame behind it is not a fresh start: the stream has lost its framing
        assertThat(ch.writeInbound(frame(CstpFrame.KEEPALIVE, new byte[0]))).isFalse();
        // closing decodes what is left once more (decodeLast), which must not raise the same frame again
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void nonZeroReservedByteIsMalformed() {
        EmbeddedChannel ch = new EmbeddedChannel(new CstpFrameDecoder());
        ByteBuf bad = frame(CstpFrame.DATA, new byte[4]);
        bad.setByte(7, 1);
        assertThatThrownBy(() -> ch.writeInbound(bad)).isInstanceOf(MalformedFrameException.class).hasMessageContaining("reserved");
    }

    @Test
    void compressedAndTerminateFramesAreRefusedFromClients() {
        for (byte type : new byte[]{CstpFrame.COMPRESSED, CstpFrame.TERMINATE, 0x42}) {
            EmbeddedChannel ch = new EmbeddedChannel(new CstpFrameDecoder());
            assertThatThrownBy(() -> ch.writeInbound(frame(type, new byte[2]))).isInstanceOf(MalformedFrameException.class);
        }
    }

    @Test
    void httpBytesAfterConnectAreMalformedNotSilentlySkipped() {
        EmbeddedChannel ch = new EmbeddedChannel(new CstpFrameDecoder());
        ByteBuf http = Unpooled.copiedBuffer("GET / HTTP/1.1\r\n\r\n", java.nio.charset.StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> ch.writeInbound(http)).isInstanceOf(MalformedFrameException.class);
    }

    @Property(tries = 200)
    void anyChunkingOfValidFramesDecodesTheSameFrames(@ForAll @Size(min = 1, max = 8) List<@Size(max = 1600) byte[]> payloads,
                                                       @ForAll @IntRange(min = 1, max = 700) int chunk) {
        ByteBuf stream = Unpooled.buffer();
        payloads = payloads.stream().map(CstpFrameDecoderTest::consistentIpv4Length).toList();
        for (byte[] payload : payloads) {
            stream.writeBytes(frame(CstpFrame.DATA, payload));
        }
        EmbeddedChannel ch = new EmbeddedChannel(new CstpFrameDecoder());
        while (stream.isReadable()) {
            ch.writeInbound(stream.readRetainedSlice(Math.min(chunk, stream.readableBytes())));
        }
        stream.release();
        List<byte[]> decoded = new ArrayList<>();
        for (ByteBuf f; (f = ch.readInbound()) != null; ) {
            byte[] payload = new byte[CstpFrame.payloadLength(f)];
            f.getBytes(f.readerIndex() + CstpFrame.HEADER_LENGTH, payload);
            decoded.add(payload);
            f.release();
        }
        assertThat(decoded).containsExactlyElementsOf(payloads);
    }

    /** Random bytes as an IP packet that fills its frame: IPv4 with the right total length, or no IP version at all. */
    private static byte[] consistentIpv4Length(byte[] payload) {
        byte[] packet = payload.clone();
        if (packet.length >= 20) {
            packet[0] = 0x45;
            packet[2] = (byte) (packet.length >> 8);
            packet[3] = (byte) packet.length;
        } else if (packet.length > 0) {
            packet[0] = 0;
        }
        return packet;
    }

    private static byte[] ipv4Declaring(int declaredLength, int actualLength) {
        byte[] packet = new byte[actualLength];
        packet[0] = 0x45;
        packet[2] = (byte) (declaredLength >> 8);
        packet[3] = (byte) declaredLength;
        return packet;
    }

    @Test
    void dataFrameWithTrailingBytesAfterItsIpPacketIsALengthMismatch() {
        EmbeddedChannel ch = new EmbeddedChannel(new CstpFrameDecoder());
        assertThatThrownBy(() -> ch.writeInbound(frame(CstpFrame.DATA, ipv4Declaring(60, 100))))
                .isInstanceOf(MalformedFrameException.class).hasMessageContaining("100 bytes carries an IPv4 packet of 60");
    }

    @Test
    void dataFrameShorterThanItsIpPacketIsALengthMismatch() {
        EmbeddedChannel ch = new EmbeddedChannel(new CstpFrameDecoder());
        assertThatThrownBy(() -> ch.writeInbound(frame(CstpFrame.DATA, ipv4Declaring(1400, 60))))
                .isInstanceOf(MalformedFrameException.class).hasMessageContaining("IPv4 packet of 1400");
    }

    @Test
    void ipv6PayloadLengthIsCheckedToo() {
        byte[] packet = new byte[40 + 8];
        packet[0] = 0x60;
        packet[5] = 9; // payload length 9, the frame carries 8
        EmbeddedChannel ch = new EmbeddedChannel(new CstpFrameDecoder());
        assertThatThrownBy(() -> ch.writeInbound(frame(CstpFrame.DATA, packet)))
                .isInstanceOf(MalformedFrameException.class).hasMessageContaining("IPv6 packet of 49");
        packet[5] = 8;
        EmbeddedChannel ok = new EmbeddedChannel(new CstpFrameDecoder());
        ok.writeInbound(frame(CstpFrame.DATA, packet));
        ByteBuf decoded = ok.readInbound();
        assertThat(decoded.readableBytes()).isEqualTo(8 + 48);
        decoded.release();
    }

    @Test
    void framesTooShortForAnIpHeaderAreLeftToTheUplink() {
        EmbeddedChannel ch = new EmbeddedChannel(new CstpFrameDecoder());
        ch.writeInbound(frame(CstpFrame.DATA, new byte[]{0x45, 0, 0, 5}));
        ByteBuf decoded = ch.readInbound();
        assertThat(CstpFrame.payloadLength(decoded)).isEqualTo(4);
        decoded.release();
    }

    @Test
    void frameLongerThanOneTlsRecordIsMalformedBeforeItsPayloadArrives() {
        EmbeddedChannel ch = new EmbeddedChannel(new CstpFrameDecoder());
        ByteBuf header = Unpooled.buffer().writeInt(CstpFrame.MAGIC).writeShort(CstpFrameDecoder.MAX_PAYLOAD + 1)
                .writeByte(CstpFrame.DATA).writeByte(0);
        assertThatThrownBy(() -> ch.writeInbound(header)).isInstanceOf(MalformedFrameException.class)
                .hasMessageContaining("more than a TLS record");
        EmbeddedChannel largest = new EmbeddedChannel(new CstpFrameDecoder());
        largest.writeInbound(frame(CstpFrame.DATA, ipv4Declaring(CstpFrameDecoder.MAX_PAYLOAD, CstpFrameDecoder.MAX_PAYLOAD)));
        ByteBuf decoded = largest.readInbound();
        assertThat(decoded.readableBytes()).isEqualTo(16_384);
        decoded.release();
    }

    @Test
    void dataHeaderIsPrependedInPlace() {
        ByteBuf packet = Unpooled.buffer(40);
        packet.writerIndex(CstpFrame.HEADER_LENGTH).readerIndex(CstpFrame.HEADER_LENGTH);
        packet.writeBytes(new byte[]{0x45, 0, 0, 20});
        ByteBuf framed = CstpFrame.prependDataHeader(packet);
        assertThat(framed).isSameAs(packet);
        assertThat(framed.readerIndex()).isZero();
        assertThat(framed.getInt(0)).isEqualTo(CstpFrame.MAGIC);
        assertThat(CstpFrame.payloadLength(framed)).isEqualTo(4);
        assertThat(CstpFrame.type(framed)).isEqualTo(CstpFrame.DATA);
        assertThat(framed.getByte(8)).isEqualTo((byte) 0x45);
    }
}
