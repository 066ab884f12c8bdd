package io.github.tunnelgw.core.dtls;

import io.netty.buffer.ByteBuf;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The 32-byte DTLS id a CONNECT hands out ({@code X-DTLS-App-ID}); the client puts it in its ClientHello's
 * session_id, which is how a UDP handshake finds its session. Held as four longs so it is a cheap map key.
 */
public record AppId(long a, long b, long c, long d) {
    public static final int LENGTH = 32;

    public static AppId random(SecureRandom random) {
        return new AppId(random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong());
    }

    /** The id in the {@value #LENGTH} bytes at {@code offset} of {@code buf} (indices are absolute). */
    static AppId read(ByteBuf buf, int offset) {
        return new AppId(buf.getLong(offset), buf.getLong(offset + 8), buf.getLong(offset + 16), buf.getLong(offset + 24));
    }

    /** 64 lower-case hex digits, as the header carries it. */
    public String hex() {
        HexFormat hex = HexFormat.of();
        return hex.toHexDigits(a) + hex.toHexDigits(b) + hex.toHexDigits(c) + hex.toHexDigits(d);
    }

    @Override
    public String toString() {
        // An App-ID is not a secret (it travels in clear in the ClientHello), but a short form keeps logs readable.
        return "AppId[" + hex().substring(0, 8) + "…]";
    }
}
