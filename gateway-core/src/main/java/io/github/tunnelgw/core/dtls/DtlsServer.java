package io.github.tunnelgw.core.dtls;

import io.github.tunnelgw.core.dataplane.ChannelSwitch;
import io.github.tunnelgw.core.dataplane.DataPlaneCounters;
import io.github.tunnelgw.core.dataplane.UplinkPath;
import io.github.tunnelgw.tun.TunQueueReader;
import io.github.tunnelgw.core.session.Session;
import io.github.tunnelgw.core.tunnel.DtlsOffer;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoEventLoop;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * The DTLS data channel on UDP (reference §5): one epoll datagram channel on a worker event loop, Bouncy Castle
 * DTLS 1.2 with the JCA crypto (AES-NI). A CONNECT that negotiates PSK-NEGOTIATE is {@link #admit admitted} with
 * its TLS exporter value; the client then has until its CSTP connection closes to bring DTLS up.
 */
public final class DtlsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DtlsServer.class);
    private static final int SOCKET_BUFFER = 4 * 1024 * 1024;
    /** Datagrams taken per receive system call under load by Netty's read, if it reads (see UdpReceiver). */
    private static final int RECEIVE_BATCH = UdpReceiver.BATCH;
    /** The warm-up stops after this long even if it has not run all its handshakes (a slow or busy host). */
    private static final Duration WARMUP_BUDGET = Duration.ofSeconds(5);

    private final Channel channel;
    private final DtlsDirectory directory;
    private final DtlsDatagramHandler handler;
    private final DtlsSettings settings;
    private final SecureRandom random;
    /** Null when Netty's channel reads. */
    private final UdpReceiver receiver;

    private DtlsServer(Channel channel, DtlsDirectory directory, DtlsDatagramHandler handler, DtlsSettings settings,
                       SecureRandom random, UdpReceiver receiver) {
        this.channel = channel;
        this.receiver = receiver;
        this.directory = directory;
        this.handler = handler;
        this.settings = settings;
        this.random = random;
    }

    public static DtlsServer start(EventLoopGroup group, InetSocketAddress bindAddress, DtlsSettings settings,
                                   UplinkPath uplink, DataPlaneCounters counters) throws InterruptedException {
        SecureRandom random = new SecureRandom();
        TlsCrypto crypto = new JcaTlsCryptoProvider().create(random);
        AeadEngines.Selection records = AeadEngines.select(settings.recordCrypto());
        warmUp(crypto, records.engine(), settings.warmupHandshakes());
        DtlsDirectory directory = new DtlsDirectory();
        int receiveLimit = Math.max(2048, settings.linkMtu());
        DtlsDatagramHandler handler = new DtlsDatagramHandler(directory, settings, crypto, records.engine(), uplink,
                counters, receiveLimit);
        Channel channel = new Bootstrap()
                .group(group)
                .channel(EpollDatagramChannel.class)
                // The UdpReceiver below reads; Netty's read starts only if it cannot (see startReceiver).
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
                .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
                // Up to RECEIVE_BATCH datagrams per recvmmsg call, each in a slot one byte larger than we accept, so an
                // oversized datagram is seen as oversized, not truncated.
                .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, receiveLimit + 1)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator((receiveLimit + 1) * RECEIVE_BATCH))
                .handler(handler)
                .bind(bindAddress).sync().channel();
        UdpReceiver receiver = null;
        if (settings.datagramReader() == DatagramReader.NETTY) {
            channel.config().setAutoRead(true);
        } else {
            receiver = startReceiver(channel, receiveLimit + 1, handler);
        }
        log.info("DTLS listening on udp {}; records sealed and opened with {} ({}); datagrams read by {}",
                channel.localAddress(), records.engine().description(), records.reason(),
                receiver != null ? "recvmmsg through the foreign function API"
                        : "Netty (dtls.datagramReader is " + settings.datagramReader().key() + ")");
        return new DtlsServer(channel, directory, handler, settings, random, receiver);
    }

    /** @return the receiver, or null when Netty reads instead (the foreign function API not usable: logged) */
    private static UdpReceiver startReceiver(Channel channel, int slotBytes, DtlsDatagramHandler handler) {
        UdpReceiver receiver = null;
        try {
            receiver = UdpReceiver.open(((EpollDatagramChannel) channel).fd().intValue(), slotBytes, handler);
            receiver.start((IoEventLoop) channel.eventLoop());
            return receiver;
        } catch (IOException e) {
            if (receiver != null) {
                receiver.close();
            }
            log.warn("DTLS datagrams are read through Netty instead: {}", e.getMessage());
            channel.config().setAutoRead(true);
            return null;
        }
    }

    private static void warmUp(TlsCrypto crypto, AeadEngine records, int handshakes) {
        if (handshakes == 0) {
            return;
        }
        try {
            DtlsHandshakeWarmup.Result result = DtlsHandshakeWarmup.run(crypto, records, handshakes, WARMUP_BUDGET);
            log.info("DTLS handshake warmed up: {} handshakes in memory in {} ms, the last took {} µs",
                    result.handshakes(), result.elapsedMillis(), result.lastMicros());
        } catch (IOException e) {
            // Clients would meet the same failure; say so now, but the TLS channel still carries their traffic.
            log.warn("DTLS warm-up failed: {}", e.getMessage());
        }
    }

    /** Whether the gateway's own reader ({@link UdpReceiver}) reads the port, rather than Netty. */
    public boolean readsWithRecvmmsg() {
        return receiver != null;
    }

    /** The event loop that receives every DTLS datagram. */
    public IoEventLoop eventLoop() {
        return (IoEventLoop) channel.eventLoop();
    }

    /**
     * Brackets a pass over a tun queue on {@link #eventLoop()}: the records sent in between are gathered and equal-sized
     * runs of them leave in one UDP_SEGMENT send (see {@link SocketSender}).
     */
    public TunQueueReader.Pass sendPass() {
        return new TunQueueReader.Pass() {
            @Override
            public void begin() {
                handler.beginSendBatch();
            }

            @Override
            public void end() {
                handler.endSendBatch();
            }
        };
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /**
     * Lets the client of one CONNECT open DTLS under a fresh App-ID, with {@code psk} (the TLS exporter value), until
     * {@code controlChannel} closes.
     *
     * @return the headers' values, or empty if the listener is down
     */
    public Optional<DtlsOffer> admit(Session session, ChannelSwitch route, int leasedAddress, byte[] psk,
                                     Channel controlChannel) {
        if (!channel.isActive()) {
            return Optional.empty();
        }
        InetAddress loginAddress = controlChannel.remoteAddress() instanceof InetSocketAddress remote
                ? remote.getAddress() : null;
        DtlsTicket ticket;
        do {
            ticket = new DtlsTicket(AppId.random(random), psk.clone(), session, leasedAddress, route, loginAddress);
        } while (!directory.add(ticket));
        DtlsTicket admitted = ticket;
        controlChannel.closeFuture().addListener(f -> {
            directory.remove(admitted);
            channel.eventLoop().execute(() -> handler.retire(admitted));
        });
        return Optional.of(new DtlsOffer(port(), ticket.appId.hex(), settings.dpd(), settings.keepalive()));
    }

    /** Tickets outstanding (one per CSTP connection that negotiated DTLS). */
    public int admittedCount() {
        return directory.size();
    }

    /** DTLS handshakes in flight (what {@link DtlsSettings#maxHandshakes()} bounds), read on the listener's event loop. */
    public int handshakesInFlight() {
        return channel.eventLoop().submit(handler::handshakeCount).syncUninterruptibly().getNow();
    }

    @Override
    public void close() {
        if (receiver != null) {
            receiver.close();
        }
        channel.close().syncUninterruptibly();
    }
}
