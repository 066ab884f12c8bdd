package io.github.tunnelgw.core.server;

import io.github.tunnelgw.auth.TokenValidator;
import io.github.tunnelgw.core.config.GatewayConfig;
import io.github.tunnelgw.core.dataplane.DataPlaneCounters;
import io.github.tunnelgw.core.dataplane.DownlinkPath;
import io.github.tunnelgw.core.dataplane.NetworkEdge;
import io.github.tunnelgw.core.dataplane.RouteTable;
import io.github.tunnelgw.core.dataplane.UplinkPath;
import io.github.tunnelgw.core.dtls.DtlsServer;
import io.github.tunnelgw.core.dtls.DtlsSettings;
import io.github.tunnelgw.core.http.ControlChannelInitializer;
import io.github.tunnelgw.core.http.ControlServices;
import io.github.tunnelgw.core.metrics.GatewayMetrics;
import io.github.tunnelgw.core.metrics.MetricsEndpoint;
import io.github.tunnelgw.core.session.EndReason;
import io.github.tunnelgw.core.session.LeasePool;
import io.github.tunnelgw.core.session.SessionCookies;
import io.github.tunnelgw.core.session.SessionRegistry;
import io.github.tunnelgw.core.tls.ServerCredentials;
import io.github.tunnelgw.core.tls.TlsContextFactory;
import io.github.tunnelgw.core.tunnel.TunnelParameters;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.io.IOException;

/**
 * Wires the gateway together and owns its lifecycle: sessions and the packet paths, the network edge, the TLS
 * listener and the metrics endpoint. Closing ends every session (clients get DISCONNECT) and then undoes the
 * edge (NAT table, tun device).
 */
public final class GatewayServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);
    public static final String SERVER_NAME = "tunnelgw 0.1.0";

    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final ExecutorService tokenExecutor;
    private final SessionRegistry sessions;
    private final NetworkEdge edge;
    private final GatewayMetrics metrics;
    private final DataPlaneCounters counters;
    private Channel listener;
    private DtlsServer dtls;
    private MetricsEndpoint metricsEndpoint;
    private boolean closed;

    /** Opens the network edge once the pool (and so the gateway's own address) is known. */
    @FunctionalInterface
    public interface EdgeFactory {
        NetworkEdge open(LeasePool pool) throws IOException;
    }

    private GatewayServer(SessionRegistry sessions, NetworkEdge edge, GatewayMetrics metrics, DataPlaneCounters counters) {
        Epoll.ensureAvailability();
        this.bossGroup = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        this.workerGroup = new MultiThreadIoEventLoopGroup(0, EpollIoHandler.newFactory());
        this.tokenExecutor = Executors.newVirtualThreadPerTaskExecutor();
        this.sessions = sessions;
        this.edge = edge;
        this.metrics = metrics;
        this.counters = counters;
    }

    /**
     * Starts the gateway.
     *
     * @param credentials the certificate chain and key the TLS listener serves
     * @param edgeFactory opens the network edge for the given pool's gateway address (tun + NAT in production)
     */
    public static GatewayServer start(GatewayConfig config, ServerCredentials credentials, TokenValidator tokens,
                                      EdgeFactory edgeFactory) throws Exception {
        SslContext sslContext = TlsContextFactory.serverContext(credentials);
        LeasePool pool = new LeasePool(config.network());
        RouteTable routes = new RouteTable(pool.capacity(), pool::indexOf);
        DataPlaneCounters counters = new DataPlaneCounters();
        SessionRegistry sessions = new SessionRegistry(pool, routes, new SessionCookies(new SecureRandom()),
                System::nanoTime, config.timeouts().cookie(), config.timeouts().session());
        GatewayMetrics metrics = new GatewayMetrics();
        metrics.bindSessions(sessions);
        metrics.bindDataPlane(counters);

        NetworkEdge edge = edgeFactory.open(pool);
        GatewayServer server = new GatewayServer(sessions, edge, metrics, counters);
        try {
            server.bind(config, sslContext, credentials.leaf(), tokens, routes);
            return server;
        } catch (Exception e) {
            server.close();
            throw e;
        }
    }

    private void bind(GatewayConfig config, SslContext sslContext, X509Certificate certificate, TokenValidator tokens,
                      RouteTable routes) throws Exception {
        TunnelParameters tunnel = tunnelParameters(config);
        warmUp(config, tunnel, sslContext, certificate);
        // Both channels' handlers flush the uplink at the end of each read, so consecutive TCP segments merge.
        UplinkPath uplink = new UplinkPath(edge.egress().batching(), counters);
        if (!config.disableUdpConnections()) {
            dtls = DtlsServer.start(workerGroup, new InetSocketAddress(config.listenAddress(), config.listenPort()),
                    DtlsSettings.of(tunnel.dpd(), tunnel.keepalive(), tunnel.linkMtu(), config.dtls().maxHandshakes(),
                            config.dtls().warmupHandshakes(), config.dtls().recordCrypto(),
                            config.dtls().datagramReader()),
                    uplink, counters);
        }
        // The tun queues are read on the DTLS event loop: DTLS is where most traffic goes (see NetworkEdge#start).
        edge.start(dtls != null ? new DownlinkPath(routes, counters, dtls.sendPass()) : new DownlinkPath(routes, counters),
                dtls != null ? dtls.eventLoop() : (IoEventLoop) workerGroup.next());
        ControlServices services = new ControlServices(tokens, tokenExecutor, sessions, tunnel,
                uplink, counters, metrics, config.timeouts().auth(), Optional.ofNullable(dtls));
        listener = controlBootstrap(bossGroup, workerGroup, new ControlChannelInitializer(sslContext, services))
                .bind(new InetSocketAddress(config.listenAddress(), config.listenPort())).sync().channel();
        if (config.metrics().enabled()) {
            metricsEndpoint = MetricsEndpoint.start(bossGroup, config.metrics().listen(), metrics);
        }
        workerGroup.next().scheduleAtFixedRate(sessions::expire, 5, 5, TimeUnit.SECONDS);
    }

    private static void warmUp(GatewayConfig config, TunnelParameters tunnel, SslContext sslContext,
                                     X509Certificate certificate) {
        GatewayConfig.Warmup warmup = config.warmup();
        if (warmup.logins() == 0 && warmup.packets() == 0) {
            return;
        }
        try {
            ControlPathWarmup.Result result = ControlPathWarmup.run(config, tunnel, sslContext, certificate,
                    warmup.logins(), warmup.maxDuration(), warmup.packets());
            if (result.logins() > 0) {
                log.info("login path warmed up: {} logins over loopback in {} ms, the last took {} µs",
                        result.logins(), result.elapsedMillis(), result.lastMicros());
            }
            if (result.packetsSent() > 0) {
                log.info("packet paths warmed up: {} packets through CSTP and DTLS, the uplink, a packet pipe and the"
                        + " downlink in {} ms, {} came back", result.packetsSent(), result.dataMillis(),
                        result.packetsReceived());
            }
        } catch (IOException e) {
            // Real clients may well meet the same failure; say so, and serve them anyway.
            log.warn("warm-up failed: {}", e.getMessage());
        }
    }

    /** The TCP listener's settings, shared with the login warm-up so that it meets the same channel options. */
    static ServerBootstrap controlBootstrap(EventLoopGroup boss, EventLoopGroup workers, ChannelHandler initializer) {
        return new ServerBootstrap()
                .group(boss, workers)
                .channel(EpollServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                .childHandler(initializer);
    }

    static TunnelParameters tunnelParameters(GatewayConfig config) {
        return new TunnelParameters(SERVER_NAME, config.network(), config.dnsServers(), config.defaultDomainSuffix(),
                config.splitDNS(), config.routeIncludes(), config.routeExcludes(), config.tun().mtu(),
                config.timeouts().dpd(), config.timeouts().keepalive(), config.timeouts().idle(),
                config.timeouts().session(), config.timeouts().cookie());
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    public InetSocketAddress metricsAddress() {
        return metricsEndpoint == null ? null : metricsEndpoint.address();
    }

    /** The DTLS listener, or empty with {@code disableUdpConnections: true}. */
    public Optional<DtlsServer> dtls() {
        return Optional.ofNullable(dtls);
    }

    public SessionRegistry sessions() {
        return sessions;
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    public DataPlaneCounters counters() {
        return counters;
    }

    public NetworkEdge edge() {
        return edge;
    }

    /**
     * Stops in dependency order. Every step runs even if an earlier one fails, because the last one removes what
     * outlives the process (the NAT table, the tun device) and must never be skipped.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        step("stop listening", () -> {
            if (listener != null) {
                listener.close().syncUninterruptibly();
                listener = null;
            }
        });
        step("end sessions", () -> sessions.endAll(EndReason.SERVER_TERMINATED));
        step("close DTLS", () -> {
            if (dtls != null) {
                dtls.close();
                dtls = null;
            }
        });
        step("close the metrics endpoint", () -> {
            if (metricsEndpoint != null) {
                metricsEndpoint.close();
                metricsEndpoint = null;
            }
        });
        step("stop the worker event loops",
                () -> workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly());
        step("stop the accept event loop",
                () -> bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly());
        step("stop token validation", tokenExecutor::shutdownNow);
        step("close the network edge", edge::close);
        log.info("gateway stopped");
    }

    private static void step(String what, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException | Error e) {
            log.warn("while stopping: could not {}: {}", what, e.toString(), e);
        }
    }
}
