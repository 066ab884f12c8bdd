package io.github.tunnelgw.core.dtls;

import io.github.tunnelgw.bench.Fixtures;
import io.github.tunnelgw.core.dataplane.ChannelSwitch;
import io.github.tunnelgw.core.dataplane.DataPlane;
import io.github.tunnelgw.core.dataplane.DataPlaneCounters;
import io.github.tunnelgw.core.dataplane.UplinkPath;
import io.github.tunnelgw.core.net.Ipv4Cidr;
import io.github.tunnelgw.core.session.LeasePool;
import io.github.tunnelgw.core.session.Session;
import io.github.tunnelgw.core.dataplane.RouteTable;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
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

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * DTLS 1.2 records of one established association, TLS_PSK_WITH_AES_256_GCM_SHA384 with Bouncy Castle's JCA crypto
 * as {@link DtlsServer} creates it. Setup runs a real handshake between the production server side
 * ({@link OpenconnectPskServer} over a {@link DatagramBridge}) and a BC PSK client over an in-memory transport,
 * the server's flights reaching it through a real loopback socket (they leave through {@link SocketSender} as in
 * production), then builds the {@link DtlsAssociation} as the datagram handler does. Once established, the server's
 * records leave the same way, to that socket, which has stopped reading (the kernel drops what it receives).
 * Records carry the type byte and an IP packet of {@code packetSize} bytes.
 *
 * <ul>
 * <li>{@code seal}: BC's {@link DTLSTransport#send} on the client side: record header, AES-256-GCM encryption, the
 *     datagram copied into memory. The bare record-layer cost of one encryption (Bouncy Castle's, whatever
 *     {@code recordCrypto} says).</li>
 * <li>{@code downlinkDeliver}: {@link DtlsAssociation#deliver}, the production downlink: data stamp, the type byte
 *     and the record sealed where the packet lies ({@link GcmRecordLayer} with the {@code recordCrypto} engine, in
 *     the packet's headroom and tailroom as the tun reader leaves them), {@link DatagramBridge#sendRecord}
 *     ({@link SocketSender}: one {@code sendto} system call on loopback, from the packet's own memory).</li>
 * <li>{@code sealThenReceive}: the client seals one record ({@code seal}) and the production uplink takes it:
 *     {@link DtlsAssociation#receive(ByteBuf, long)} (the datagram copied into native memory as the kernel would,
 *     decrypted where it lies, replay check, route preference, data
 *     stamp, counters, {@link UplinkPath#forward} to an in-memory egress). BC refuses a replayed record, so every
 *     operation needs a fresh one; decryption is about {@code sealThenReceive - seal}.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms64m", "-Xmx512m"}) // as bin/gateway and bench/compare.sh
public class DtlsRecordBenchmark {
    private static final int LINK_MTU = 1500;
    /** What the datagram handler gives a peer over IPv4: link MTU minus IP and UDP headers. */
    private static final int DATAGRAM_LIMIT = LINK_MTU - 20 - 8;

    @Param({"64", "1400"})
    public int packetSize;

    /** {@code dtls.recordCrypto} of the server side: GnuTLS's AES-GCM or the JDK's. */
    @Param({"gnutls", "jdk"})
    public String recordCrypto;

    private final DataPlaneCounters counters = new DataPlaneCounters();
    private final Fixtures.CountingEgress egress = new Fixtures.CountingEgress();
    private final Fixtures.CountingEgress cstpFallback = new Fixtures.CountingEgress();
    private ClientTransport clientSide;
    private EmbeddedChannel channel;
    private EventLoopGroup socketLoop;
    private Channel listener;
    private Channel sink;
    private DTLSTransport client;
    private DtlsAssociation association;
    private byte[] uplinkRecord;
    private ByteBuf uplinkDatagram;
    private ByteBuf downlinkPacket;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        SecureRandom random = new SecureRandom();
        TlsCrypto crypto = new JcaTlsCryptoProvider().create(random);
        byte[] psk = new byte[PskNegotiation.PSK_LENGTH];
        random.nextBytes(psk);

        clientSide = new ClientTransport();
        channel = new EmbeddedChannel(new Fixtures.DiscardingWrites());
        socketLoop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        listener = udpSocket(socketLoop, new ChannelInboundHandlerAdapter());
        // The server's flights leave on the listener's socket: the sink hands them to the client until the
        // handshake is done, then stops reading.
        sink = udpSocket(socketLoop, new HandshakeFlights(clientSide));
        InetSocketAddress peer = (InetSocketAddress) sink.localAddress();
        SocketSender socket = SocketSender.of(listener, counters.congestionDropped, counters.dtlsSendErrors,
                counters.dtlsSegmentedSends);
        DatagramBridge bridge = new DatagramBridge(channel, socket, peer, Math.max(2048, LINK_MTU), DATAGRAM_LIMIT);
        clientSide.server = bridge;

        AeadEngine records = AeadEngines.select(RecordCrypto.valueOf(recordCrypto.toUpperCase(java.util.Locale.ROOT)))
                .engine();
        OpenconnectPskServer pskServer = new OpenconnectPskServer(crypto, psk, records);
        FutureTask<DTLSTransport> accept = new FutureTask<>(() -> bridge.accept(pskServer, null));
        Thread.ofPlatform().name("dtls-bench-handshake").start(accept);
        OpenconnectLikePskClient pskClient = new OpenconnectLikePskClient(crypto, psk);
        client = new DTLSClientProtocol().connect(pskClient, clientSide);
        DTLSTransport server = accept.get(30, TimeUnit.SECONDS);
        if (pskClient.cipherSuite() != CipherSuite.TLS_PSK_WITH_AES_256_GCM_SHA384) {
            throw new IllegalStateException("negotiated cipher suite " + pskClient.cipherSuite());
        }
        clientSide.established = true;
        sink.config().setAutoRead(false);

        LeasePool pool = new LeasePool(Ipv4Cidr.parse("10.250.0.0/24"));
        Session session = Fixtures.registry(pool, new RouteTable(pool.capacity(), pool::indexOf))
                .open(Fixtures.principal("bench"));
        int lease = pool.acquire();
        ChannelSwitch route = new ChannelSwitch(packet -> {
            cstpFallback.write(packet, 0);
            packet.release();
        });
        DtlsTicket ticket = new DtlsTicket(AppId.random(random), psk, session, lease, route,
                InetAddress.getLoopbackAddress());
        ClientHelloInspector.Result hello = new ClientHelloInspector.Result(ClientHelloInspector.Rejection.NONE,
                ticket.appId, 1, 2, 3, 4);
        association = new DtlsAssociation(ticket, hello, server, pskServer.recordLayer(), bridge,
                new UplinkPath(egress, counters), counters, System.nanoTime());
        ticket.current = association;
        for (byte[] early : bridge.goDirect()) {
            association.receive(Unpooled.wrappedBuffer(early), System.nanoTime());
        }
        route.prefer(association);

        ByteBuf packet = Fixtures.ipv4(lease, Fixtures.INTERNAL_HOST, packetSize, 1);
        packet.readerIndex(0).setByte(0, DtlsAssociation.DATA);
        uplinkRecord = ByteBufUtil.getBytes(packet);
        packet.release();
        uplinkDatagram = Unpooled.directBuffer(clientSide.sent.length);
        downlinkPacket = Fixtures.ipv4(Fixtures.INTERNAL_HOST, lease, packetSize, DataPlane.HEADROOM,
                DataPlane.TAILROOM);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        long failed = counters.dtlsUndecryptableDropped.sum() + counters.malformedDropped.sum()
                + counters.spoofedDropped.sum() + counters.congestionDropped.sum() + counters.dtlsSendErrors.sum()
                + cstpFallback.packets;
        if (failed != 0 || association.isClosed()) {
            throw new IllegalStateException("DTLS path left its fast path (" + failed + " packets dropped or sent "
                    + "over CSTP, association closed: " + association.isClosed() + ")");
        }
        association.close();
        client.close();
        channel.finishAndReleaseAll();
        listener.close().syncUninterruptibly();
        sink.close().syncUninterruptibly();
        socketLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        downlinkPacket.release();
    }

    /** A UDP socket on loopback. */
    private static Channel udpSocket(EventLoopGroup loop, ChannelHandler handler) throws InterruptedException {
        return new Bootstrap().group(loop).channel(EpollDatagramChannel.class)
                .handler(handler)
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
    }

    @Benchmark
    public int seal() throws IOException {
        client.send(uplinkRecord, 0, uplinkRecord.length);
        return clientSide.sentLength;
    }

    @Benchmark
    public void downlinkDeliver() {
        // sealed where it lies, as a packet from the tun reader is: put the indices back for the next one
        downlinkPacket.setIndex(DataPlane.HEADROOM, DataPlane.HEADROOM + packetSize);
        association.deliver(downlinkPacket.retain());
    }

    @Benchmark
    public int sealThenReceive() throws IOException {
        client.send(uplinkRecord, 0, uplinkRecord.length);
        // into native memory, as recvmmsg puts it, where it is opened
        uplinkDatagram.setIndex(0, 0).writeBytes(clientSide.sent, 0, clientSide.sentLength);
        return association.receive(uplinkDatagram, System.nanoTime());
    }

    /**
     * The client's datagram transport in memory. During the handshake it hands datagrams to the server's bridge and
     * waits for the server's; once established it keeps the last datagram sent, in one reused array.
     */
    private static final class ClientTransport extends QueueDatagramTransport {
        final BlockingQueue<byte[]> fromServer;
        final byte[] sent = new byte[DATAGRAM_LIMIT];
        int sentLength;
        volatile boolean established;
        DatagramBridge server;

        ClientTransport() {
            this(new LinkedBlockingQueue<>());
        }

        private ClientTransport(BlockingQueue<byte[]> fromServer) {
            super(fromServer, DATAGRAM_LIMIT);
            this.fromServer = fromServer;
        }

        @Override
        public void send(byte[] buf, int off, int len) {
            if (established) {
                System.arraycopy(buf, off, sent, 0, len);
                sentLength = len;
            } else if (!server.offer(Unpooled.wrappedBuffer(buf, off, len))) {
                throw new IllegalStateException("the server's handshake queue is full");
            }
        }
    }

    /** The client's end of the real socket during the handshake: the server's flights, into the client's queue. */
    private static final class HandshakeFlights extends ChannelInboundHandlerAdapter {
        private final ClientTransport client;

        HandshakeFlights(ClientTransport client) {
            this.client = client;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            DatagramPacket datagram = (DatagramPacket) msg;
            try {
                if (!client.established) {
                    client.fromServer.add(ByteBufUtil.getBytes(datagram.content()));
                }
            } finally {
                datagram.release();
            }
        }
    }
}
