package io.github.tunnelgw.bench;

import io.github.tunnelgw.core.cstp.CstpFrame;
import io.github.tunnelgw.core.cstp.CstpFrameDecoder;
import io.github.tunnelgw.core.dataplane.DataPlane;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

import java.util.concurrent.TimeUnit;

/**
 * CSTP framing of one DATA frame carrying an IP packet of {@code packetSize} bytes.
 *
 * <ul>
 * <li>{@code encode}: {@link CstpFrame#prependDataHeader}, the production encoder (the 8-byte header is written in
 *     place into the headroom the tun reader leaves; the payload is not touched).</li>
 * <li>{@code decode}: {@link CstpFrameDecoder#channelRead} on the decoder's own context, as the TLS handler calls it
 *     with one decrypted record holding one frame: ByteToMessageDecoder's cumulation bookkeeping, the header checks,
 *     the retained slice and its hand-off to the next handler (which releases it). The EmbeddedChannel only supplies
 *     the pipeline; its inbound queue is not reached.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms64m", "-Xmx512m"}) // as bin/gateway and bench/compare.sh
public class CstpCodecBenchmark {
    @Param({"64", "1400"})
    public int packetSize;

    private ByteBuf packet;
    private ByteBuf frame;
    private EmbeddedChannel channel;
    private CstpFrameDecoder decoder;
    private ChannelHandlerContext decoderContext;
    private Fixtures.ReleasingReads next;

    @Setup(Level.Trial)
    public void setUp() {
        packet = Fixtures.ipv4(0x0AFA0007, Fixtures.INTERNAL_HOST, packetSize, DataPlane.HEADROOM);
        frame = Fixtures.ipv4(0x0AFA0007, Fixtures.INTERNAL_HOST, packetSize, CstpFrame.HEADER_LENGTH);
        CstpFrame.prependDataHeader(frame);
        decoder = new CstpFrameDecoder();
        next = new Fixtures.ReleasingReads();
        channel = new EmbeddedChannel(decoder, next);
        decoderContext = channel.pipeline().context(decoder);
    }

    @TearDown(Level.Trial)
    public void tearDown(BenchmarkParams params) {
        if (params.getBenchmark().endsWith(".decode") && next.reads == 0) {
            throw new IllegalStateException("the decoder emitted no frame");
        }
        channel.finishAndReleaseAll();
        packet.release();
        frame.release();
    }

    @Benchmark
    public ByteBuf encode() {
        packet.readerIndex(DataPlane.HEADROOM);
        return CstpFrame.prependDataHeader(packet);
    }

    @Benchmark
    public void decode() throws Exception {
        // The decoder takes the buffer as its cumulation and releases it once consumed: lend it one reference.
        frame.readerIndex(0);
        decoder.channelRead(decoderContext, frame.retain());
    }
}
