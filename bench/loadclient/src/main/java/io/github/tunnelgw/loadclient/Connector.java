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
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

import javax.net.ssl.SSLException;
import java.util.function.Consumer;

/**
 * Opens sessions on a small shared event loop group. Every connection does a full TLS handshake: the engine is
 * created without peer host and port, so the JDK client never looks up a cached session to resume.
 */
final class Connector implements AutoCloseable {
    static final long ATTEMPT_SECONDS = 60;

    private final Options options;
    private final EventLoopGroup group;
    private final SslContext ssl;
    private final Bootstrap bootstrap;

    Connector(Options options) throws SSLException {
        this.options = options;
        this.group = new MultiThreadIoEventLoopGroup(options.threads(), NioIoHandler.newFactory());
        this.ssl = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                .trustManager(new PinnedTrust(options.pinSha256()))
                .protocols("TLSv1.3", "TLSv1.2").build();
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
     * One key share (x25519) instead of the JDK's several: each extra share is a key generation per handshake, and
     * on a two-core host the client's CPU would otherwise cap the login rate it measures. Both servers accept it.
     */
    private SSLEngine engine(SocketChannel ch) {
        SSLEngine engine = ssl.newEngine(ch.alloc());
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
