package io.github.tunnelgw.core.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last in the control pipeline: a failed TLS handshake is one log line (none for a silent health probe), and
 * any error that reaches the end of the pipeline closes the connection.
 */
public final class ConnectionOutcomeLogger extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ConnectionOutcomeLogger.class);

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent done && !done.isSuccess() && FirstByteMarker.sawBytes(ctx.channel())) {
            log.info("{}: TLS handshake failed: {}", ctx.channel().remoteAddress(), rootMessage(done.cause()));
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (FirstByteMarker.sawBytes(ctx.channel())) {
            log.debug("{}: connection error: {}", ctx.channel().remoteAddress(), rootMessage(cause));
        }
        ctx.close();
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
