package io.github.tunnelgw.loadclient;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ScheduledFuture;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One client connection, as openconnect 9.01 drives it with {@code --no-dtls}: TLS, the XML auth conversation
 * (bearer challenge or ocserv's username/password forms), {@code CONNECT /CSCOSSLC/tunnel}, then CSTP frames:
 * DPD requests answered, keepalives sent while idle, DISCONNECT on close (reference §1–4).
 */
final class AnyConnectSession extends ByteToMessageDecoder {
    static final String USER_AGENT = "Open AnyConnect VPN Agent v9.01-3";
    private static final int TYPE_DPD_REQUEST = 0x03, TYPE_DPD_RESPONSE = 0x04, TYPE_DISCONNECT = 0x05,
            TYPE_KEEPALIVE = 0x07, TYPE_TERMINATE = 0x09;
    private static final String CAPABILITIES = "<version who=\"vpn\">v9.01-3</version><device-id>linux-64</device-id>"
            + "<capabilities><auth-method>single-sign-on-v2</auth-method>"
            + "<auth-method>single-sign-on-external-browser</auth-method></capabilities>";

    private enum Phase { TLS, AUTH, CONNECT, TUNNEL, DONE }

    private final Options options;
    private final SessionListener listener;
    private final boolean keepAlive;
    private final Map<String, String> cookies = new LinkedHashMap<>();
    private ChannelHandlerContext ctx;
    private Phase phase = Phase.TLS;
    private String lastPath;
    private String lastBody;
    private boolean bearerSent;
    private boolean closeRequested;
    private ScheduledFuture<?> timer;

    /** @param keepAlive send CSTP keepalives while established (hold mode) */
    AnyConnectSession(Options options, SessionListener listener, boolean keepAlive) {
        this.options = options;
        this.listener = listener;
        this.keepAlive = keepAlive;
    }

    Channel channel() {
        return ctx.channel();
    }

    /** Ends the session the way openconnect does on Ctrl-C: DISCONNECT 0xB0 (the server frees it), close_notify, close. */
    void disconnect() {
        ctx.executor().execute(() -> {
            closeRequested = true;
            if (phase == Phase.TUNNEL) {
                byte[] reason = "\u00b0Aborted by caller".getBytes(StandardCharsets.ISO_8859_1);
                ctx.writeAndFlush(frame(TYPE_DISCONNECT, reason));
            }
            SslHandler ssl = ctx.pipeline().get(SslHandler.class);
            if (ssl != null && ctx.channel().isActive()) {
                ssl.closeOutbound().addListener(f -> ctx.close());
            } else {
                ctx.close();
            }
        });
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            if (!done.isSuccess()) {
                fail("TLS handshake: " + rootMessage(done.cause()));
                return;
            }
            phase = Phase.AUTH;
            String init = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<config-auth client=\"vpn\" type=\"init\" "
                    + "aggregate-auth-version=\"2\">" + CAPABILITIES + "<group-access>https://" + options.host()
                    + ":" + options.port() + "/</group-access></config-auth>\n";
            post("/", init);
        } else if (!(evt instanceof SslCloseCompletionEvent)) {
            super.userEventTriggered(ctx, evt);
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (phase != Phase.DONE && in.isReadable()) {
            if (phase == Phase.TUNNEL) {
                if (!readFrame(in)) {
                    return;
                }
                continue;
            }
            HttpReply reply = HttpReply.take(in, phase == Phase.CONNECT);
            if (reply == null) {
                return;
            }
            if (phase == Phase.AUTH) {
                onAuthReply(reply);
            } else {
                onConnectReply(reply);
            }
        }
        if (phase == Phase.DONE) {
            in.skipBytes(in.readableBytes());
        }
    }

    private void onAuthReply(HttpReply reply) {
        for (String setCookie : reply.all("Set-Cookie")) {
            int eq = setCookie.indexOf('=');
            int semi = setCookie.indexOf(';');
            if (eq > 0) {
                String value = setCookie.substring(eq + 1, semi < 0 ? setCookie.length() : semi);
                if (value.isEmpty()) {
                    cookies.remove(setCookie.substring(0, eq));
                } else {
                    cookies.put(setCookie.substring(0, eq), value);
                }
            }
        }
        if (reply.status() == 401 && reply.offersBearer() && !bearerSent
                && options.credentials() instanceof Options.Token) {
            bearerSent = true;
            post(lastPath, lastBody);
            return;
        }
        if (reply.status() != 200) {
            fail("auth: " + reply.statusLine());
            return;
        }
        AuthForm form = AuthForm.parse(reply.body());
        if (form.success()) {
            if (form.sessionToken() != null) {
                cookies.put("webvpn", form.sessionToken());
            }
            if (!cookies.containsKey("webvpn")) {
                fail("auth: success without a webvpn cookie");
                return;
            }
            connect();
            return;
        }
        if (!(options.credentials() instanceof Options.Password(String user, String password))) {
            fail("auth: server sent a form, but a token was given");
            return;
        }
        if (form.action() == null) {
            fail("auth: form without an action");
            return;
        }
        String field;
        if (form.passwordField() != null) {
            field = "<" + form.passwordField() + ">" + xml(password) + "</" + form.passwordField() + ">";
        } else if (form.userField() != null) {
            field = "<" + form.userField() + ">" + xml(user) + "</" + form.userField() + ">";
        } else {
            fail("auth: form asks for neither user name nor password");
            return;
        }
        post(form.action(), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<config-auth client=\"vpn\" type=\"auth-reply\" "
                + "aggregate-auth-version=\"2\">" + CAPABILITIES + "<auth>" + field + "</auth></config-auth>\n");
    }

    private void onConnectReply(HttpReply reply) {
        if (reply.status() != 200 || !reply.statusLine().startsWith("HTTP/1.1 200 ")) {
            fail("CONNECT: " + reply.statusLine());
            return;
        }
        if (reply.header("X-CSTP-Address") == null || reply.header("X-CSTP-MTU") == null) {
            fail("CONNECT: 200 without X-CSTP-Address or X-CSTP-MTU");
            return;
        }
        phase = Phase.TUNNEL;
        cancelTimer();
        if (keepAlive) {
            int seconds = Math.max(1, Math.min(seconds(reply.header("X-CSTP-Keepalive"), 30),
                    seconds(reply.header("X-CSTP-DPD"), 30)));
            timer = ctx.executor().scheduleAtFixedRate(() -> ctx.writeAndFlush(frame(TYPE_KEEPALIVE, new byte[0])),
                    seconds, seconds, TimeUnit.SECONDS);
        }
        listener.established(this);
    }

    /** @return false while the frame is incomplete */
    private boolean readFrame(ByteBuf in) {
        if (in.readableBytes() < 8) {
            return false;
        }
        int start = in.readerIndex();
        if (in.getByte(start) != 'S' || in.getByte(start + 1) != 'T' || in.getByte(start + 2) != 'F'
                || in.getByte(start + 3) != 1) {
            end("bad CSTP magic");
            return false;
        }
        int length = in.getUnsignedShort(start + 4);
        if (in.readableBytes() < 8 + length) {
            return false;
        }
        int type = in.getUnsignedByte(start + 6);
        in.skipBytes(8);
        switch (type) {
            case TYPE_DPD_REQUEST -> {
                byte[] payload = new byte[length];
                in.readBytes(payload);
                ctx.writeAndFlush(frame(TYPE_DPD_RESPONSE, payload));
            }
            case TYPE_DISCONNECT, TYPE_TERMINATE -> {
                in.skipBytes(length);
                end("server sent " + (type == TYPE_DISCONNECT ? "DISCONNECT" : "TERMINATE"));
            }
            default -> in.skipBytes(length);
        }
        return true;
    }

    private void post(String path, String body) {
        lastPath = path;
        lastBody = body;
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(512).append("POST ").append(path).append(" HTTP/1.1\r\n");
        if (bearerSent && options.credentials() instanceof Options.Token(String token)) {
            head.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        head.append("Host: ").append(options.host()).append(':').append(options.port()).append("\r\n")
                .append("User-Agent: ").append(USER_AGENT).append("\r\n");
        appendCookies(head);
        head.append("Accept: */*\r\nAccept-Encoding: identity\r\nX-Transcend-Version: 1\r\nX-Aggregate-Auth: 1\r\n")
                .append("X-Support-HTTP-Auth: true\r\nContent-Type: application/xml; charset=utf-8\r\n")
                .append("Content-Length: ").append(content.length).append("\r\n\r\n");
        ByteBuf buf = ctx.alloc().buffer(head.length() + content.length);
        buf.writeCharSequence(head, StandardCharsets.ISO_8859_1);
        buf.writeBytes(content);
        ctx.writeAndFlush(buf).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
    }

    /** CONNECT without any X-DTLS-* header: the server offers no DTLS, everything stays on this TLS connection. */
    private void connect() {
        phase = Phase.CONNECT;
        StringBuilder head = new StringBuilder(512).append("CONNECT /CSCOSSLC/tunnel HTTP/1.1\r\n")
                .append("Host: ").append(options.host()).append(':').append(options.port()).append("\r\n")
                .append("User-Agent: ").append(USER_AGENT).append("\r\n")
                .append("Cookie: webvpn=").append(cookies.get("webvpn")).append("\r\n")
                .append("X-CSTP-Version: 1\r\nX-CSTP-Hostname: loadclient\r\nX-CSTP-Base-MTU: 1500\r\n")
                .append("X-CSTP-MTU: 1390\r\nX-CSTP-Address-Type: IPv4\r\n\r\n");
        ByteBuf buf = ctx.alloc().buffer(head.length());
        buf.writeCharSequence(head, StandardCharsets.ISO_8859_1);
        ctx.writeAndFlush(buf).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
    }

    private void appendCookies(StringBuilder head) {
        if (cookies.isEmpty()) {
            return;
        }
        head.append("Cookie: ");
        String sep = "";
        for (Map.Entry<String, String> c : cookies.entrySet()) {
            head.append(sep).append(c.getKey()).append('=').append(c.getValue());
            sep = "; ";
        }
        head.append("\r\n");
    }

    private static ByteBuf frame(int type, byte[] payload) {
        ByteBuf buf = Unpooled.buffer(8 + payload.length);
        buf.writeByte('S').writeByte('T').writeByte('F').writeByte(1).writeShort(payload.length)
                .writeByte(type).writeByte(0).writeBytes(payload);
        return buf;
    }

    /** Arms the time limit of one attempt (TLS, auth and CONNECT together). */
    void deadline(long seconds) {
        timer = ctx.executor().schedule(() -> fail("no tunnel within " + seconds + " s (phase " + phase + ")"),
                seconds, TimeUnit.SECONDS);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (phase == Phase.TUNNEL) {
            end(closeRequested ? "closed" : "connection closed by server");
        } else if (phase != Phase.DONE) {
            fail(closeRequested ? "closed before the tunnel was up" : "connection closed in phase " + phase);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (phase == Phase.TUNNEL) {
            end("error: " + rootMessage(cause));
        } else if (phase != Phase.DONE) {
            fail("error in phase " + phase + ": " + rootMessage(cause));
        }
        ctx.close();
    }

    private void fail(String reason) {
        if (phase == Phase.DONE || phase == Phase.TUNNEL) {
            return;
        }
        phase = Phase.DONE;
        cancelTimer();
        ctx.close();
        listener.failed(this, reason);
    }

    private void end(String reason) {
        if (phase != Phase.TUNNEL) {
            return;
        }
        phase = Phase.DONE;
        cancelTimer();
        ctx.close();
        listener.ended(this, closeRequested, reason);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private static int seconds(String value, int fallback) {
        try {
            return value == null ? fallback : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
