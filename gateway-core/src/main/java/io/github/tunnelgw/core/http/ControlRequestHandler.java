package io.github.tunnelgw.core.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes control-channel requests: the probe page, the login exchange, CONNECT; everything else is a 404 and
 * the connection closes. Requests are answered one at a time, at most {@link #MAX_REQUESTS} per connection
 * (ocserv's limit); a request that arrives while a login is still being validated is pipelining abuse.
 */
public final class ControlRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(ControlRequestHandler.class);
    static final int MAX_REQUESTS = 16;

    private final ControlServices services;
    private final LoginExchange login;
    private final TunnelConnect tunnel;
    private int requests;
    private boolean loginInFlight;

    public ControlRequestHandler(ControlServices services) {
        this.services = services;
        this.login = new LoginExchange(services);
        this.tunnel = new TunnelConnect(services);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        DecoderResult decoded = request.decoderResult();
        if (decoded.isFailure()) {
            if (isLoginAttempt(request) && brokeTheHeaderBlock(decoded.cause())) {
                // The credential is what usually breaks a login's header block (a token file's final newline, a
                // huge token), so the client gets the uniform authentication failure rather than a parse error.
                login.refuseUnreadableCredentials(ctx, decoded.cause());
            } else {
                refuse(ctx, statusFor(decoded.cause()), "malformed HTTP request: " + decoded.cause().getMessage());
            }
            return;
        }
        if (++requests > MAX_REQUESTS) {
            refuse(ctx, HttpResponseStatus.TOO_MANY_REQUESTS, "more than " + MAX_REQUESTS + " requests on one connection");
            return;
        }
        if (loginInFlight) {
            refuse(ctx, HttpResponseStatus.BAD_REQUEST, "request pipelined behind a login that is still being checked");
            return;
        }
        route(ctx, request);
    }

    private void route(ChannelHandlerContext ctx, FullHttpRequest request) {
        HttpMethod method = request.method();
        String uri = request.uri();
        String path = pathOf(uri);
        if (HttpMethod.CONNECT.equals(method) && TunnelConnect.PATH.equals(uri)) {
            tunnel.handle(ctx, request);
        } else if (HttpMethod.POST.equals(method) && isLoginPath(path)) {
            loginInFlight = login.handle(ctx, request, () -> loginInFlight = false);
        } else if (HttpMethod.GET.equals(method) && isLoginPath(path) && wantsHttpAuth(request)) {
            loginInFlight = login.handle(ctx, request, () -> loginInFlight = false);
        } else if (HttpMethod.GET.equals(method) && "/".equals(path)) {
            ctx.writeAndFlush(ProbePage.response());
        } else {
            log.debug("{}: {} {} not found", ctx.channel().remoteAddress(), method, path);
            ctx.writeAndFlush(HttpResponses.notFound()).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** openconnect announces HTTP authentication support; a load balancer's probe does not. */
    private static boolean wantsHttpAuth(FullHttpRequest request) {
        return request.headers().contains("X-Support-HTTP-Auth") || request.headers().contains(HttpHeaderNames.AUTHORIZATION);
    }

    /**
     * POST, or openconnect 9.01's GET fallback, to a login path. Only true when the request line itself parsed:
     * a request failing there reaches us as {@code GET /bad-request}.
     */
    private static boolean isLoginAttempt(FullHttpRequest request) {
        HttpMethod method = request.method();
        return (HttpMethod.POST.equals(method) || HttpMethod.GET.equals(method)) && isLoginPath(pathOf(request.uri()));
    }

    /** A header line that is malformed or too large, as opposed to a body that is too large. */
    private static boolean brokeTheHeaderBlock(Throwable cause) {
        return cause instanceof TooLongHttpHeaderException || !(cause instanceof TooLongFrameException);
    }

    private static boolean isLoginPath(String path) {
        return "/".equals(path) || "/auth".equals(path) || "/VPN".equals(path);
    }

    private static String pathOf(String uri) {
        int query = uri.indexOf('?');
        return query < 0 ? uri : uri.substring(0, query);
    }

    private static HttpResponseStatus statusFor(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return HttpResponseStatus.REQUEST_URI_TOO_LONG;
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
        }
        if (cause instanceof TooLongFrameException) {
            return HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
        }
        return HttpResponseStatus.BAD_REQUEST;
    }

    private void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String why) {
        services.metrics().malformedRequest();
        log.info("{}: {} ({}); closing", ctx.channel().remoteAddress(), why, status.code());
        FullHttpResponse response = HttpResponses.empty(status);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
