package io.github.tunnelgw.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.nio.charset.StandardCharsets;

/** The static page load balancers probe with {@code GET /}: built once, touches no session state. */
public final class ProbePage {
    private static final ByteBuf BODY = Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(
            "<!DOCTYPE html><html><head><title>VPN gateway</title></head><body><p>VPN gateway is up.</p></body></html>\n"
                    .getBytes(StandardCharsets.US_ASCII))).asReadOnly();

    private ProbePage() {
    }

    public static FullHttpResponse response() {
        return HttpResponses.of(HttpResponseStatus.OK, "text/html; charset=utf-8", BODY.duplicate());
    }
}
