package io.github.tunnelgw.core.server;

import io.github.tunnelgw.auth.DevelopmentIssuer;
import io.github.tunnelgw.auth.IssuerRouter;
import io.github.tunnelgw.core.config.GatewayConfig;
import io.github.tunnelgw.core.dataplane.DataPlaneCounters;
import io.github.tunnelgw.core.dataplane.DownlinkPath;
import io.github.tunnelgw.core.dataplane.RouteTable;
import io.github.tunnelgw.core.dataplane.UplinkPath;
import io.github.tunnelgw.core.dtls.DtlsServer;
import io.github.tunnelgw.core.dtls.DtlsSettings;
import io.github.tunnelgw.core.edge.QueueEdge;
import io.github.tunnelgw.core.http.ControlChannelInitializer;
import io.github.tunnelgw.core.http.ControlServices;
import io.github.tunnelgw.core.metrics.GatewayMetrics;
import io.github.tunnelgw.core.session.EndReason;
import io.github.tunnelgw.core.session.LeasePool;
import io.github.tunnelgw.core.session.SessionCookies;
import io.github.tunnelgw.core.session.SessionRegistry;
import io.github.tunnelgw.core.tunnel.TunnelParameters;
import io.github.tunnelgw.tun.PacketPipe;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.FutureTask;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Logs in to the gateway's own control channel, over loopback, before the gateway's ports open.
 *
 * <p>Why: the login path (TLS, HTTP codec, token validation, sessions, CONNECT, CSTP) is Java code that only the
 * JIT makes fast, and a gateway that has just started serves its first clients from the interpreter. openconnect's
 * stamped log of the first connects after a start shows the bearer challenge taking 4–9 ms (0.1 once warm), the
 * token POST 6–9 ms (1.4) and CONNECT up to 6 ms (1.5); client start to tunnel up was 55–95 ms for those connects
 * against 37–45 ms later, and ocserv, which is C, has no such phase (docs/benchmarks.md).
 *
 * <p>Each warm-up login takes a client's path through the same TLS context and the same pipeline
 * ({@link ControlChannelInitializer}), made by {@link SelfLoginClient}. Nothing of it reaches the running gateway:
 * it has its own listener (127.0.0.1, an ephemeral port, closed at the end), event loop and token threads, an
 * issuer whose key exists only in this method's memory (so its tokens are good nowhere else), its own session
 * registry, address pool, counters and metrics, and an edge of its own: a {@link QueueEdge} over a {@link PacketPipe}
 * whose far end {@link PacketReflector} answers, in place of the tun device. After the logins, one more login carries
 * packets through the packet paths and back ({@link WarmupTraffic}; only when UDP is enabled, since most of them go
 * over DTLS). Log lines below WARN from its threads are dropped ({@link WarmupLogSilencer}).
 */
final class ControlPathWarmup {
    static final String THREAD_PREFIX = "gateway-warmup";
    private static final String ISSUER = "https://warmup.invalid/";
    private static final String AUDIENCE = "gateway-warmup";

    /** The data-path phase stops after this long even if it has not sent all its packets (a slow or busy host). */
    static final Duration DATA_BUDGET = Duration.ofSeconds(3);

    /**
     * What a warm-up did; {@code lastMicros} is the duration of its last login, as its client saw it; the packets are
     * those of the data-path phase, sent by its client and come back to it.
     */
    record Result(int logins, long elapsedMillis, long lastMicros, int packetsSent, int packetsReceived,
                  long dataMillis) {
    }

    private ControlPathWarmup() {
    }

    /**
     * Runs up to {@code logins} logins one after the other, stopping early once {@code budget} has passed.
     *
     * @throws IOException if a login fails: the message names the step
     */
    static Result run(GatewayConfig config, TunnelParameters tunnel, SslContext tls, X509Certificate certificate,
                      int logins, Duration budget) throws IOException {
        return run(config, tunnel, tls, certificate, logins, budget, 0);
    }

    /**
     * The same, then a data-path phase: one more login whose CSTP connection and DTLS channel carry {@code packets}
     * packets to the private edge's reflector and back ({@link WarmupTraffic}), for at most {@link #DATA_BUDGET}.
     */
    static Result run(GatewayConfig config, TunnelParameters tunnel, SslContext tls, X509Certificate certificate,
                      int logins, Duration budget, int packets) throws IOException {
        // On a thread of its own name, so that the set-up of its private listeners is silenced too.
        FutureTask<Result> warmup = new FutureTask<>(
                () -> runHere(config, tunnel, tls, certificate, logins, budget, packets));
        Thread thread = Thread.ofPlatform().name(THREAD_PREFIX + "-client").start(warmup);
        try {
            return warmup.get();
        } catch (InterruptedException e) {
            thread.interrupt();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("login warm-up interrupted");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io
                    : new IOException("login warm-up failed: " + e.getCause(), e.getCause());
        }
    }

    private static Result runHere(GatewayConfig config, TunnelParameters tunnel, SslContext tls,
                                  X509Certificate certificate, int logins, Duration budget, int packets)
            throws IOException {
        DevelopmentIssuer issuer = DevelopmentIssuer.inMemory(ISSUER, AUDIENCE);
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(THREAD_PREFIX),
                EpollIoHandler.newFactory());
        ExecutorService tokenThreads = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name(THREAD_PREFIX + "-token-", 0).factory());
        LeasePool pool = new LeasePool(config.network());
        RouteTable routes = new RouteTable(pool.capacity(), pool::indexOf);
        SessionRegistry sessions = privateRegistry(config, pool, routes);
        IssuerRouter tokens = new IssuerRouter(List.of(new IssuerRouter.Route(Set.of(ISSUER), issuer.validator())));
        DtlsServer dtls = null;
        PacketPipe pipe = null;
        QueueEdge edge = null;
        try (AutoCloseable quiet = WarmupLogSilencer.install(THREAD_PREFIX)) {
            DataPlaneCounters counters = new DataPlaneCounters();
            // The gateway's own packet paths, between the private listeners and a pipe whose far end answers.
            pipe = PacketPipe.open(THREAD_PREFIX + "-pipe");
            PacketReflector.start(pipe, THREAD_PREFIX + "-reflector");
            edge = new QueueEdge(List.of(pipe.queue()), tunnel.linkMtu(), pipe.toString());
            UplinkPath uplink = new UplinkPath(edge.egress().batching(), counters);
            InetAddress loopback = InetAddress.getLoopbackAddress();
            if (!config.disableUdpConnections()) {
                dtls = DtlsServer.start(loop, new InetSocketAddress(loopback, 0), DtlsSettings.of(tunnel.dpd(),
                        tunnel.keepalive(), tunnel.linkMtu(), config.dtls().maxHandshakes(), 0, config.dtls().recordCrypto(),
                        config.dtls().datagramReader()),
                        uplink, counters);
            }
            edge.start(dtls != null ? new DownlinkPath(routes, counters, dtls.sendPass())
                    : new DownlinkPath(routes, counters), dtls != null ? dtls.eventLoop() : (IoEventLoop) loop.next());
            ControlServices services = new ControlServices(tokens, tokenThreads, sessions, tunnel, uplink, counters,
                    new GatewayMetrics(), config.timeouts().auth(), Optional.ofNullable(dtls));
            Channel listener = GatewayServer.controlBootstrap(loop, loop, new ControlChannelInitializer(tls, services))
                    .bind(new InetSocketAddress(loopback, 0)).sync().channel();
            try {
                SelfLoginClient client = new SelfLoginClient(certificate, (InetSocketAddress) listener.localAddress());
                Result result = logInRepeatedly(client, issuer, logins, budget);
                return packets == 0 || dtls == null ? result : pumpPackets(client, issuer, packets, result);
            } finally {
                listener.close().syncUninterruptibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("login warm-up interrupted");
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("login warm-up failed: " + e, e);
        } finally {
            sessions.endAll(EndReason.SERVER_TERMINATED);
            tokens.close();
            if (edge != null) {
                edge.close();
            }
            if (dtls != null) {
                dtls.close();
            }
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            tokenThreads.shutdownNow();
            if (pipe != null) {
                pipe.close(); // after the loop that read its queue has stopped; ends the reflector
            }
        }
    }

    private static SessionRegistry privateRegistry(GatewayConfig config, LeasePool pool, RouteTable routes) {
        return new SessionRegistry(pool, routes, new SessionCookies(new SecureRandom()), System::nanoTime,
                config.timeouts().cookie(), config.timeouts().session());
    }

    private static Result pumpPackets(SelfLoginClient client, DevelopmentIssuer issuer, int packets, Result logins)
            throws IOException {
        long start = System.nanoTime();
        WarmupTraffic traffic = new WarmupTraffic(packets, start + DATA_BUDGET.toNanos());
        try {
            client.login(issuer.mint("warmup-data", Duration.ofMinutes(5)), traffic);
        } catch (IOException e) {
            throw new IOException("data-path warm-up failed after " + traffic.sent() + " packets: " + e.getMessage(), e);
        }
        return new Result(logins.logins(), logins.elapsedMillis(), logins.lastMicros(), traffic.sent(),
                traffic.received(), (System.nanoTime() - start) / 1_000_000);
    }

    private static Result logInRepeatedly(SelfLoginClient client, DevelopmentIssuer issuer, int logins, Duration budget)
            throws IOException {
        long start = System.nanoTime();
        long deadline = start + budget.toNanos();
        long lastNanos = 0;
        int done = 0;
        while (done < logins && (done == 0 || System.nanoTime() < deadline)) {
            String token = issuer.mint("warmup-" + (done % 8), Duration.ofMinutes(5));
            long began = System.nanoTime();
            try {
                client.login(token);
            } catch (IOException e) {
                throw new IOException("login warm-up failed at login " + (done + 1) + ": " + e.getMessage(), e);
            }
            lastNanos = System.nanoTime() - began;
            done++;
        }
        return new Result(done, (System.nanoTime() - start) / 1_000_000, lastNanos / 1000, 0, 0, 0);
    }
}
