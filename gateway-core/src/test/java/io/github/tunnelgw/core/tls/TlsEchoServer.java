package io.github.tunnelgw.core.tls;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

import javax.net.ssl.SSLEngine;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Netty server on 127.0.0.1 that speaks TLS with a given context and echoes what it reads. It remembers the
 * server-side {@link SSLEngine} of each completed handshake by the client's port, and every failed handshake.
 */
final class TlsEchoServer implements AutoCloseable {
    private final Channel channel;
    private final Map<Integer, CompletableFuture<SSLEngine>> enginesByClientPort = new ConcurrentHashMap<>();
    private final BlockingQueue<Throwable> handshakeFailures = new LinkedBlockingQueue<>();

    private TlsEchoServer(EventLoopGroup group, SslContext context) throws InterruptedException {
        channel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(context.newHandler(ch.alloc()), new HandshakeRecorder(), new Echo());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    static TlsEchoServer start(EventLoopGroup group, SslContext context) throws InterruptedException {
        return new TlsEchoServer(group, context);
    }

    int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** The server side of the connection whose client end is bound to {@code clientPort}. */
    SSLEngine engineFor(int clientPort) throws Exception {
        return future(clientPort).get(10, TimeUnit.SECONDS);
    }

    /** The next failed handshake's cause, or null if none happens within the wait. */
    Throwable nextHandshakeFailure(long seconds) throws InterruptedException {
        return handshakeFailures.poll(seconds, TimeUnit.SECONDS);
    }

    private CompletableFuture<SSLEngine> future(int clientPort) {
        return enginesByClientPort.computeIfAbsent(clientPort, port -> new CompletableFuture<>());
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    private final class HandshakeRecorder extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof SslHandshakeCompletionEvent completion) {
                if (completion.isSuccess()) {
                    int clientPort = ((InetSocketAddress) ctx.channel().remoteAddress()).getPort();
                    future(clientPort).complete(ctx.pipeline().get(SslHandler.class).engine());
                } else {
                    handshakeFailures.add(completion.cause());
                }
            }
            ctx.fireUserEventTriggered(event);
        }
    }

    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            ctx.writeAndFlush(message);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // Failed handshakes are expected here; the recorder has seen them.
            ctx.close();
        }
    }
}
