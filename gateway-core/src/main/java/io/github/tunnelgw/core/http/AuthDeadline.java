package io.github.tunnelgw.core.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Closes a connection that has not reached a tunnel (login + CONNECT) within the auth timeout; removed at CONNECT. */
public final class AuthDeadline extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(AuthDeadline.class);
    private final Duration timeout;
    private ScheduledFuture<?> deadline;

    public AuthDeadline(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        deadline = ctx.executor().schedule(() -> {
            log.info("{}: no tunnel within the auth timeout of {} s; closing", ctx.channel().remoteAddress(), timeout.toSeconds());
            ctx.close();
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        deadline.cancel(false);
    }
}
