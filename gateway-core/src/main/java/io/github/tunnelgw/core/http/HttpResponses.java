package io.github.tunnelgw.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

/** Builds every control-channel response: always a Content-Length, always the OWASP headers ocserv sends. */
public final class HttpResponses {
    public static final HttpResponseStatus AUTHENTICATION_FAILED = new HttpResponseStatus(401, "Authentication failed");
    public static final HttpResponseStatus COOKIE_NOT_ACCEPTABLE = new HttpResponseStatus(401, "Cookie is not acceptable");
    private static final byte[] NOT_FOUND_BODY =
            "<html><body><h1>404 Not Found</h1></body></html>\r\n".getBytes(StandardCharsets.US_ASCII);

    private HttpResponses() {
    }

    public static FullHttpResponse of(HttpResponseStatus status, String contentType, byte[] body) {
        return of(status, contentType, Unpooled.wrappedBuffer(body));
    }

    public static FullHttpResponse of(HttpResponseStatus status, String contentType, ByteBuf body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        HttpHeaders headers = response.headers();
        if (contentType != null) {
            headers.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        headers.setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        addSecurityHeaders(headers);
        return response;
    }

    public static FullHttpResponse empty(HttpResponseStatus status) {
        return of(status, null, Unpooled.EMPTY_BUFFER);
    }

    public static FullHttpResponse notFound() {
        FullHttpResponse response = of(HttpResponseStatus.NOT_FOUND, "text/html", NOT_FOUND_BODY);
        response.headers().set(HttpHeaderNames.CONNECTION, "close");
        return response;
    }

    /** The header set of ocserv's add_owasp_headers (reference §9.6); clients ignore them, browsers obey them. */
    public static void addSecurityHeaders(HttpHeaders headers) {
        headers.set("Strict-Transport-Security", "max-age=31536000 ; includeSubDomains");
        headers.set("X-Frame-Options", "deny");
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Content-Security-Policy", "default-src 'none'");
        headers.set("X-Permitted-Cross-Domain-Policies", "none");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("Clear-Site-Data", "\"cache\",\"cookies\",\"storage\"");
        headers.set("Cross-Origin-Embedder-Policy", "require-corp");
        headers.set("Cross-Origin-Opener-Policy", "same-origin");
        headers.set("Cross-Origin-Resource-Policy", "same-origin");
        headers.set("X-XSS-Protection", "0");
    }
}
