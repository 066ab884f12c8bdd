package io.github.tunnelgw.core.http;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslContext;

/**
 * The TCP 443 pipeline before CONNECT:
 * first-byte marker → flush consolidation → auth deadline → TLS → HTTP codec (bounded line, headers) → aggregator (bounded body)
 * → request router → outcome logger. CONNECT swaps everything between TLS and the logger for CSTP handlers.
 */
public final class ControlChannelInitializer extends ChannelInitializer<SocketChannel> {
    static final String HTTP_CODEC = "http-codec";
    static final String HTTP_AGGREGATOR = "http-aggregator";
    /** Request line limit; openconnect's are short. */
    static final int MAX_INITIAL_LINE = 4096;
    /** Header block limit: room for a 16 KiB bearer token plus ordinary headers. */
    static final int MAX_HEADER_SIZE = 24 * 1024;
    static final int MAX_BODY = 64 * 1024;
    /** Most TLS records written before a socket flush is forced. */
    static final int FLUSHES_PER_WRITE = 64;

    private final SslContext sslContext;
    private final ControlServices services;

    public ControlChannelInitializer(SslContext sslContext, ControlServices services) {
        this.sslContext = sslContext;
        this.services = services;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ChannelPipeline p = ch.pipeline();
        p.addLast("first-byte", new FirstByteMarker());
        // Below TLS, so records stay one frame each while their socket writes are batched per event-loop pass.
        p.addLast("flush-consolidation", new FlushConsolidationHandler(FLUSHES_PER_WRITE, true));
        p.addLast("auth-deadline", new AuthDeadline(services.authTimeout()));
        p.addLast("tls", sslContext.newHandler(ch.alloc()));
        p.addLast(HTTP_CODEC, new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, 8192));
        p.addLast(HTTP_AGGREGATOR, new StrictHttpObjectAggregator(MAX_BODY));
        p.addLast("control", new ControlRequestHandler(services));
        p.addLast("outcome", new ConnectionOutcomeLogger());
    }
}
