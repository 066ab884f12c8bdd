package io.github.tunnelgw.core.http;

import io.github.tunnelgw.auth.Principal;
import io.github.tunnelgw.auth.TokenRejectedException;
import io.github.tunnelgw.core.session.Session;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.RejectedExecutionException;

/**
 * The bearer-token login (reference §2). Steps:
 * 1. No Authorization header: challenge with {@code 401 WWW-Authenticate: Bearer}, connection kept open
 *    (on the XML POST and on openconnect 9.01's non-XML GET fallback alike).
 * 2. Check the body is a well-formed {@code <config-auth>} document, if it is XML.
 * 3. Validate the token off the event loop (key fetches may block), reading paused meanwhile.
 * 4. Success: a new session, its cookie in {@code Set-Cookie: webvpn=}, and {@code <auth id="success">}.
 *    Failure: one log line with the reason (never the token), a count, {@code 401} and close.
 */
final class LoginExchange {
    private static final Logger log = LoggerFactory.getLogger(LoginExchange.class);
    private static final byte[] SUCCESS_BODY = ("""
            <?xml version="1.0" encoding="UTF-8"?>
            <config-auth client="vpn" type="complete">
            <version who="sg">0.1(1)</version>
            <auth id="success">
            <title>SSL VPN Service</title></auth></config-auth>
            """).getBytes(StandardCharsets.UTF_8);

    private final ControlServices services;

    LoginExchange(ControlServices services) {
        this.services = services;
    }

    /**
     * @param settled run on the event loop once an asynchronous validation has answered
     * @return true while a validation is in flight (the caller must not accept another request meanwhile)
     */
    boolean handle(ChannelHandlerContext ctx, FullHttpRequest request, Runnable settled) {
        BearerCredentials.Result credentials = BearerCredentials.from(request.headers());
        switch (credentials) {
            case BearerCredentials.Absent absent -> {
                challenge(ctx);
                return false;
            }
            case BearerCredentials.Invalid invalid -> {
                reject(ctx, "bad_request", invalid.problem());
                return false;
            }
            case BearerCredentials.Present present -> {
                if (!bodyIsAcceptable(ctx, request)) {
                    return false;
                }
                return validate(ctx, request, present.token(), settled);
            }
        }
    }

    /** A login request whose header block could not be parsed: refused as a login, before any token is read. */
    void refuseUnreadableCredentials(ChannelHandlerContext ctx, Throwable cause) {
        services.metrics().malformedRequest();
        reject(ctx, "bad_request", "malformed header block: " + cause.getClass().getSimpleName());
    }

    private void challenge(ChannelHandlerContext ctx) {
        FullHttpResponse response = HttpResponses.empty(HttpResponseStatus.UNAUTHORIZED);
        response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
        ctx.writeAndFlush(response);
    }

    private boolean bodyIsAcceptable(ChannelHandlerContext ctx, FullHttpRequest request) {
        String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        if (!request.content().isReadable() || !contentType.toLowerCase().contains("xml")) {
            return true;
        }
        try {
            AuthRequestBody.parse(request.content().toString(StandardCharsets.UTF_8));
            return true;
        } catch (MalformedRequestException e) {
            services.metrics().malformedRequest();
            log.info("{}: login refused: {}", ctx.channel().remoteAddress(), e.getMessage());
            FullHttpResponse response = HttpResponses.empty(HttpResponseStatus.BAD_REQUEST);
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            return false;
        }
    }

    private boolean validate(ChannelHandlerContext ctx, FullHttpRequest request, String token, Runnable settled) {
        String userAgent = request.headers().get(HttpHeaderNames.USER_AGENT, "-");
        ctx.channel().config().setAutoRead(false);
        try {
            services.tokenExecutor().execute(() -> {
                Object outcome;
                try {
                    outcome = services.tokens().validate(token);
                } catch (TokenRejectedException e) {
                    outcome = e;
                } catch (RuntimeException e) {
                    log.error("token validator failed unexpectedly", e);
                    outcome = new IllegalStateException("validator error");
                }
                Object result = outcome;
                ctx.executor().execute(() -> {
                    settled.run();
                    finish(ctx, userAgent, result);
                });
            });
            return true;
        } catch (RejectedExecutionException e) {
            ctx.channel().config().setAutoRead(true);
            reject(ctx, "overloaded", "token validation is overloaded");
            return false;
        }
    }

    private void finish(ChannelHandlerContext ctx, String userAgent, Object outcome) {
        ctx.channel().config().setAutoRead(true);
        if (!ctx.channel().isActive()) {
            return;
        }
        if (outcome instanceof Principal principal) {
            Session session = services.sessions().open(principal);
            services.metrics().authSucceeded();
            log.info("{}: login of {} (tid {}, oid {}; {})", ctx.channel().remoteAddress(), principal.userName(),
                    principal.tenantId().orElse("-"), principal.objectId().orElse("-"), userAgent);
            FullHttpResponse response = HttpResponses.of(HttpResponseStatus.OK, "text/xml", SUCCESS_BODY);
            response.headers()
                    .set("X-Transcend-Version", "1")
                    .add(HttpHeaderNames.SET_COOKIE, "webvpn=" + session.cookie() + "; Secure; HttpOnly");
            ctx.writeAndFlush(response);
        } else if (outcome instanceof TokenRejectedException rejected) {
            reject(ctx, rejected.reason().name().toLowerCase(), rejected.getMessage() + " (" + userAgent + ")");
        } else {
            reject(ctx, "internal_error", "token validation failed");
        }
    }

    private void reject(ChannelHandlerContext ctx, String reason, String detail) {
        services.metrics().authFailed(reason);
        // the reason exactly as counted, so a gateway_auth_failures_total{reason} count leads to its log lines
        log.info("{}: login refused ({}): {}", ctx.channel().remoteAddress(), reason, detail);
        FullHttpResponse response = HttpResponses.empty(HttpResponses.AUTHENTICATION_FAILED);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
