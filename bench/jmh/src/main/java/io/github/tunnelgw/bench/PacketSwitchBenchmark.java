package io.github.tunnelgw.bench;

import io.github.tunnelgw.core.cstp.CstpConnection;
import io.github.tunnelgw.core.cstp.CstpFrame;
import io.github.tunnelgw.core.cstp.CstpSessionHandler;
import io.github.tunnelgw.core.dataplane.DataPlane;
import io.github.tunnelgw.core.dataplane.DataPlaneCounters;
import io.github.tunnelgw.core.dataplane.DownlinkPath;
import io.github.tunnelgw.core.dataplane.RouteTable;
import io.github.tunnelgw.core.dataplane.UplinkPath;
import io.github.tunnelgw.core.net.Ipv4Cidr;
import io.github.tunnelgw.core.session.LeasePool;
import io.github.tunnelgw.core.session.Session;
import io.github.tunnelgw.core.session.SessionRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
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

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

/**
 * The packet switch between the tun device and one client's CSTP connection, with production classes from the tun
 * edge to the Netty pipeline; the tun device is replaced by an in-memory {@link Fixtures.CountingEgress} and the
 * TLS handler and socket by {@link Fixtures.DiscardingWrites}. One session is attached through the
 * {@link SessionRegistry} as at CONNECT.
 *
 * <ul>
 * <li>{@code uplinkForward}: {@link UplinkPath#forward} alone (well-formedness, anti-spoofing, egress, counters).</li>
 * <li>{@code uplinkCstp}: a decoded DATA frame into {@link CstpSessionHandler#channelRead} (liveness stamps, downlink
 *     switch kept on CSTP, header skipped, {@link UplinkPath#forward}, frame released).</li>
 * <li>{@code downlinkCstp}: {@link DownlinkPath#onTunPacket} (well-formedness, route lookup, counters) to the lease's
 *     ChannelSwitch, {@link CstpConnection#deliver} (writability, data stamp, header prepended in place) and
 *     {@code writeAndFlush} through the pipeline to the discarding end. The packet buffer is reused.</li>
 * <li>{@code downlinkCstpFromTunBuffer}: the same, but each packet first gets its own buffer as the tun reader gives
 *     it one (a pooled direct buffer of headroom + MTU from {@link PooledByteBufAllocator#DEFAULT}, filled at its
 *     memory address by a copy standing in for read(2), as TunQueue.read passes the address to the kernel); the
 *     buffer is released at the discarding end, as after the socket write.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms64m", "-Xmx512m"}) // as bin/gateway and bench/compare.sh
public class PacketSwitchBenchmark {
    /** The tun MTU the reader sizes its buffers by (bench/compare.sh runs the gateway with the default 1500 link). */
    private static final int TUN_MTU = 1500;

    @Param({"64", "1400"})
    public int packetSize;

    private final DataPlaneCounters counters = new DataPlaneCounters();
    private final Fixtures.CountingEgress egress = new Fixtures.CountingEgress();
    private final Fixtures.DiscardingWrites socket = new Fixtures.DiscardingWrites();
    private final ByteBufAllocator tunAllocator = PooledByteBufAllocator.DEFAULT;
    private EmbeddedChannel channel;
    private UplinkPath uplink;
    private DownlinkPath downlink;
    private CstpSessionHandler sessionHandler;
    private ChannelHandlerContext sessionContext;
    private int lease;
    private ByteBuf uplinkPacket;
    private ByteBuf uplinkFrame;
    private ByteBuf downlinkPacket;
    private MemorySegment tunPacket;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        LeasePool pool = new LeasePool(Ipv4Cidr.parse("10.250.0.0/16"));
        RouteTable routes = new RouteTable(pool.capacity(), pool::indexOf);
        SessionRegistry registry = Fixtures.registry(pool, routes);
        uplink = new UplinkPath(egress, counters);
        downlink = new DownlinkPath(routes, counters);

        Session session = registry.open(Fixtures.principal("bench"));
        channel = new EmbeddedChannel(socket);
        CstpConnection connection = new CstpConnection(channel, session, counters);
        lease = registry.attach(session, connection, 0);
        sessionHandler = new CstpSessionHandler(connection, registry, uplink, lease, counters.malformedDropped::increment);
        channel.pipeline().addLast(sessionHandler);
        sessionContext = channel.pipeline().context(sessionHandler);

        uplinkPacket = Fixtures.ipv4(lease, Fixtures.INTERNAL_HOST, packetSize, 0);
        uplinkFrame = CstpFrame.prependDataHeader(
                Fixtures.ipv4(lease, Fixtures.INTERNAL_HOST, packetSize, CstpFrame.HEADER_LENGTH));
        downlinkPacket = Fixtures.ipv4(Fixtures.INTERNAL_HOST, lease, packetSize, DataPlane.HEADROOM);
        tunPacket = MemorySegment.ofArray(ByteBufUtil.getBytes(downlinkPacket));
        ByteBuf probe = tunAllocator.directBuffer(16);
        boolean addressable = probe.hasMemoryAddress();
        probe.release();
        if (!addressable) {
            throw new IllegalStateException("the tun reader's buffers have no memory address here");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        long dropped = counters.malformedDropped.sum() + counters.spoofedDropped.sum() + counters.noRouteDropped.sum()
                + counters.congestionDropped.sum() + counters.egressDropped.sum();
        if (dropped != 0) {
            throw new IllegalStateException(dropped + " packets were dropped: the benchmark measured a drop path");
        }
        channel.finishAndReleaseAll();
        uplinkPacket.release();
        uplinkFrame.release();
        downlinkPacket.release();
    }

    @Benchmark
    public void uplinkForward() {
        uplink.forward(lease, uplinkPacket, lease);
    }

    @Benchmark
    public void uplinkCstp() {
        uplinkFrame.readerIndex(0);
        sessionHandler.channelRead(sessionContext, uplinkFrame.retain());
    }

    @Benchmark
    public void downlinkCstp() {
        downlinkPacket.readerIndex(DataPlane.HEADROOM);
        downlink.onTunPacket(downlinkPacket.retain());
    }

    @Benchmark
    @SuppressWarnings("restricted") // reinterpret: native access is enabled by @Fork, as bin/gateway enables it
    public void downlinkCstpFromTunBuffer() {
        int capacity = DataPlane.HEADROOM + TUN_MTU;
        ByteBuf buf = tunAllocator.directBuffer(capacity, capacity);
        buf.writerIndex(DataPlane.HEADROOM).readerIndex(DataPlane.HEADROOM);
        // read(2) as TunQueue.read does it: into the buffer's memory address, the indexes moved by hand.
        MemorySegment.copy(tunPacket, 0, MemorySegment.ofAddress(buf.memoryAddress()).reinterpret(capacity),
                DataPlane.HEADROOM, packetSize);
        buf.writerIndex(DataPlane.HEADROOM + packetSize);
        downlink.onTunPacket(buf);
    }
}
