package io.github.tunnelgw.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;

/**
 * First in the pipeline: marks the channel once it has sent any byte, then leaves. A connection that closes
 * unmarked was a TCP health probe, which deserves no log line.
 */
public final class FirstByteMarker extends ChannelInboundHandlerAdapter {
    private static final AttributeKey<Boolean> SAW_BYTES = AttributeKey.valueOf(FirstByteMarker.class, "sawBytes");

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf && buf.isReadable()) {
            ctx.channel().attr(SAW_BYTES).set(Boolean.TRUE);
            ctx.pipeline().remove(this);
        }
        ctx.fireChannelRead(msg);
    }

    public static boolean sawBytes(Channel channel) {
        return Boolean.TRUE.equals(channel.attr(SAW_BYTES).get());
    }
}
