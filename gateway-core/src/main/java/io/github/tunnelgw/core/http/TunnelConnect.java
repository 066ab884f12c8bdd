package io.github.tunnelgw.core.http;

import io.github.tunnelgw.core.cstp.CstpConnection;
import io.github.tunnelgw.core.cstp.CstpFrameDecoder;
import io.github.tunnelgw.core.cstp.CstpSessionHandler;
import io.github.tunnelgw.core.cstp.CstpTimers;
import io.github.tunnelgw.core.dtls.PskNegotiation;
import io.github.tunnelgw.core.net.Ipv4Address;
import io.github.tunnelgw.core.session.PoolExhaustedException;
import io.github.tunnelgw.core.session.Session;
import io.github.tunnelgw.core.session.SessionEndedException;
import io.github.tunnelgw.core.tunnel.ConnectResponse;
import io.github.tunnelgw.core.tunnel.DtlsOffer;
import io.github.tunnelgw.core.tunnel.MtuCalculator;
import io.github.tunnelgw.core.tunnel.TunnelParameters;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.handler.ssl.SslHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLSession;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code CONNECT /CSCOSSLC/tunnel} (reference §3). Steps:
 * 1. The {@code webvpn} cookie must name a live session, else {@code 401} and close.
 * 2. Attach this connection to the session: the first CONNECT leases an address, a reconnect keeps it and
 *    replaces the old connection. An exhausted pool is a {@code 503} with the reason.
 * 3. DTLS: if the client offers PSK-NEGOTIATE and UDP is enabled, admit it to the DTLS listener under a fresh
 *    App-ID with the TLS session's exporter value as the PSK (reference §5.2); else no X-DTLS-* headers.
 * 4. Swap the pipeline from HTTP to CSTP, then write the {@code 200 CONNECTED} header block in its own flush
 *    (its own TLS record) before any frame can follow.
 */
final class TunnelConnect {
    private static final Logger log = LoggerFactory.getLogger(TunnelConnect.class);
    static final String PATH = "/CSCOSSLC/tunnel";

    private final ControlServices services;

    TunnelConnect(ControlServices services) {
        this.services = services;
    }

    void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
        Optional<Session> found = webvpnCookie(request.headers()).flatMap(services.sessions()::find);
        if (found.isEmpty()) {
            log.info("{}: CONNECT refused: missing, unknown or expired cookie", ctx.channel().remoteAddress());
            refuse(ctx, HttpResponses.empty(HttpResponses.COOKIE_NOT_ACCEPTABLE));
            return;
        }
        Session session = found.get();
        CstpConnection connection = new CstpConnection(ctx.channel(), session, services.counters());
        int address;
        try {
            address = services.sessions().attach(session, connection, previousAddress(request.headers()));
        } catch (PoolExhaustedException e) {
            services.metrics().poolExhausted();
            log.warn("{}: CONNECT of {} refused: {}", ctx.channel().remoteAddress(), session.userName(), e.getMessage());
            FullHttpResponse response = HttpResponses.empty(HttpResponseStatus.SERVICE_UNAVAILABLE);
            response.headers().set("X-Reason", "no client address is available; try again later");
            refuse(ctx, response);
            return;
        } catch (SessionEndedException e) {
            refuse(ctx, HttpResponses.empty(HttpResponses.COOKIE_NOT_ACCEPTABLE));
            return;
        }
        Optional<DtlsOffer> dtls = offerDtls(ctx, request.headers(), session, connection, address);
        switchToCstp(ctx, connection, address);
        ByteBuf header = ByteBufUtil.writeAscii(ctx.alloc(),
                responseHeader(ctx, request.headers(), session, address, dtls));
        ctx.channel().writeAndFlush(header);
        log.info("{}: tunnel up for {} with address {}{}", ctx.channel().remoteAddress(), session.userName(),
                Ipv4Address.format(address), dtls.isPresent() ? ", DTLS offered" : "");
    }

    private Optional<DtlsOffer> offerDtls(ChannelHandlerContext ctx, HttpHeaders headers, Session session,
                                          CstpConnection connection, int address) {
        if (services.dtls().isEmpty()
                || !PskNegotiation.offered(headers.get("X-DTLS-CipherSuite"), headers.get("X-DTLS12-CipherSuite"))) {
            return Optional.empty();
        }
        byte[] psk;
        try {
            SSLSession tls = ctx.pipeline().get(SslHandler.class).engine().getSession();
            psk = ((ExtendedSSLSession) tls).exportKeyingMaterialData(PskNegotiation.EXPORTER_LABEL, null,
                    PskNegotiation.PSK_LENGTH);
        } catch (Exception e) {
            log.info("{}: no DTLS for {}: the TLS session exports no keying material ({})",
                    ctx.channel().remoteAddress(), session.userName(), e.getClass().getSimpleName());
            return Optional.empty();
        }
        return services.dtls().get().admit(session, connection.route(), address, psk, ctx.channel());
    }

    private void switchToCstp(ChannelHandlerContext ctx, CstpConnection connection, int address) {
        ChannelPipeline pipeline = ctx.pipeline();
        TunnelParameters tunnel = services.tunnel();
        String ssl = pipeline.context(SslHandler.class).name();
        pipeline.addAfter(ssl, "cstp-decoder", new CstpFrameDecoder());
        pipeline.addAfter("cstp-decoder", "cstp-session", new CstpSessionHandler(connection, services.sessions(),
                services.uplink(), address, services.metrics()::malformedFrame));
        pipeline.addAfter("cstp-session", "cstp-timers",
                new CstpTimers(connection.session(), tunnel.dpd(), tunnel.idleTimeout()));
        pipeline.remove(AuthDeadline.class);
        pipeline.remove(ControlChannelInitializer.HTTP_CODEC);
        pipeline.remove(ControlChannelInitializer.HTTP_AGGREGATOR);
        pipeline.remove(ctx.handler());
    }

    private String responseHeader(ChannelHandlerContext ctx, HttpHeaders headers, Session session, int address,
                                  Optional<DtlsOffer> dtls) {
        TunnelParameters tunnel = services.tunnel();
        int clientBaseMtu = intHeader(headers, "X-CSTP-Base-MTU");
        int linkMtu = MtuCalculator.linkMtu(tunnel.linkMtu(), clientBaseMtu);
        boolean ipv6 = ctx.channel().remoteAddress() instanceof InetSocketAddress a && a.getAddress() instanceof Inet6Address;
        // With DTLS a packet must fit a DTLS record in one datagram; CSTP can carry that size too.
        int tunnelMtu = MtuCalculator.tunnelMtu(linkMtu, ipv6, dtls.isPresent() ? DtlsOffer.GCM_OVERHEAD : 0);
        Optional<Duration> remaining = tunnel.sessionTimeout().map(limit ->
                limit.minusNanos(System.nanoTime() - session.createdAtNanos()));
        return ConnectResponse.build(tunnel, address, tunnelMtu, linkMtu, remaining, dtls);
    }

    private static void refuse(ChannelHandlerContext ctx, FullHttpResponse response) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    static Optional<String> webvpnCookie(HttpHeaders headers) {
        for (String header : headers.getAll(HttpHeaderNames.COOKIE)) {
            for (Cookie cookie : ServerCookieDecoder.LAX.decodeAll(header)) {
                if ("webvpn".equals(cookie.name())) {
                    return Optional.of(cookie.value());
                }
            }
        }
        return Optional.empty();
    }

    /** The address a reconnecting client had (X-CSTP-Address), or 0; anything unparseable is ignored. */
    static int previousAddress(HttpHeaders headers) {
        for (String value : headers.getAll("X-CSTP-Address")) {
            if (!value.contains(":")) {
                try {
                    return Ipv4Address.parse(value.strip());
                } catch (IllegalArgumentException ignored) {
                    return 0;
                }
            }
        }
        return 0;
    }

    private static int intHeader(HttpHeaders headers, String name) {
        String value = headers.get(name);
        if (value == null) {
            return 0;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
