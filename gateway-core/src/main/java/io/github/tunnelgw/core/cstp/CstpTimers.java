package io.github.tunnelgw.core.cstp;

import io.github.tunnelgw.core.session.Session;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Per-connection liveness, checked on the channel's own event loop (no shared timer state):
 * - dead-peer detection: no frame for 2×DPD sends a DPD request, no frame for 3×DPD drops the connection
 *   (the session and its cookie survive for a reconnect, as in ocserv);
 * - idle timeout: no tunnel data for {@code timeouts.idle} sends DISCONNECT and closes.
 */
public final class CstpTimers extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(CstpTimers.class);
    private static final byte[] EMPTY = new byte[0];

    private final Session session;
    private final long dpdNanos;
    private final long idleNanos;
    private final long tickNanos;
    private ScheduledFuture<?> tick;

    public CstpTimers(Session session, Duration dpd, Optional<Duration> idle) {
        this.session = session;
        this.dpdNanos = dpd.toNanos();
        this.idleNanos = idle.map(Duration::toNanos).orElse(Long.MAX_VALUE);
        long shortest = Math.min(dpdNanos, idleNanos);
        this.tickNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(200), Math.min(shortest / 3, TimeUnit.SECONDS.toNanos(10)));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        tick = ctx.executor().scheduleAtFixedRate(() -> check(ctx), tickNanos, tickNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (tick != null) {
            tick.cancel(false);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        handlerRemoved(ctx);
        ctx.fireChannelInactive();
    }

    private void check(ChannelHandlerContext ctx) {
        long now = System.nanoTime();
        long silent = now - session.lastReceiveNanos(now);
        if (silent >= 3 * dpdNanos) {
            log.info("session of {}: no frame for {} s, peer is dead; closing (cookie kept)", session.userName(),
                    TimeUnit.NANOSECONDS.toSeconds(silent));
            ctx.close();
        } else if (silent >= 2 * dpdNanos) {
            ctx.writeAndFlush(CstpFrame.control(ctx.alloc(), CstpFrame.DPD_REQUEST, EMPTY), ctx.voidPromise());
        } else if (now - session.lastDataNanos(now) >= idleNanos) {
            log.info("session of {}: idle timeout; sending DISCONNECT (cookie kept)", session.userName());
            ctx.writeAndFlush(CstpFrame.control(ctx.alloc(), CstpFrame.DISCONNECT, EMPTY))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }
}
