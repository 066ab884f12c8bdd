package io.github.tunnelgw.loadclient;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

import javax.net.ssl.SSLException;
import java.util.function.Consumer;

/**
 * Opens sessions on a small shared event loop group, TLS by BoringSSL (netty-tcnative) when it loads, else the
 * JDK. Every connection does a full TLS handshake: the engine is created without peer host and port, so neither
 * provider looks up a cached session to resume.
 */
final class Connector implements AutoCloseable {
    static final long ATTEMPT_SECONDS = 60;

    private final Options options;
    private final EventLoopGroup group;
    private final SslContext ssl;
    private final boolean boringSsl;
    private final Bootstrap bootstrap;

    Connector(Options options) throws SSLException {
        this.options = options;
        this.group = new MultiThreadIoEventLoopGroup(options.threads(), NioIoHandler.newFactory());
        this.boringSsl = OpenSsl.isAvailable();
        SslContextBuilder builder = SslContextBuilder.forClient()
                .sslProvider(boringSsl ? SslProvider.OPENSSL : SslProvider.JDK)
                .trustManager(new PinnedTrust(options.pinSha256()))
                .protocols("TLSv1.3", "TLSv1.2");
        if (boringSsl) {
            builder.option(OpenSslContextOption.GROUPS, new String[] {"X25519"});
        } else {
            System.err.println("loadclient: BoringSSL unavailable (" + AnyConnectSession.rootMessage(
                    OpenSsl.unavailabilityCause()) + "), using the JDK's TLS: the client may cap the login rate");
        }
        this.ssl = builder.build();
        this.bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
    }

    EventLoopGroup group() {
        return group;
    }

    /** Starts one attempt; the listener hears its outcome. {@code started} gets the session before any I/O. */
    void open(SessionListener listener, boolean keepAlive, Consumer<AnyConnectSession> started) {
        AnyConnectSession session = new AnyConnectSession(options, listener, keepAlive);
        Bootstrap b = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new SslHandler(engine(ch)), session);
                session.deadline(ATTEMPT_SECONDS);
            }
        });
        started.accept(session);
        b.connect(options.host(), options.port()).addListener(f -> {
            if (!f.isSuccess()) {
                Channel ch = ((io.netty.channel.ChannelFuture) f).channel();
                // A refused connect never fires channelInactive on an initialised pipeline in every case:
                // close explicitly so the session reports the failure exactly once.
                ch.pipeline().fireExceptionCaught(f.cause());
                ch.close();
            }
        });
    }

    /**
     * One key share (x25519) instead of several: each extra share is a key generation per handshake, and on a
     * two-core host the client's CPU would otherwise cap the login rate it measures. Both servers accept it.
     */
    private SSLEngine engine(SocketChannel ch) {
        SSLEngine engine = ssl.newEngine(ch.alloc());
        if (boringSsl) {
            return engine;
        }
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setNamedGroups(new String[] {"x25519"});
        engine.setSSLParameters(parameters);
        return engine;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
