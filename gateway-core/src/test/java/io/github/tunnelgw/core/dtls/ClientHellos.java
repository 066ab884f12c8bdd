package io.github.tunnelgw.core.dtls;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Builds DTLS ClientHello datagrams shaped like openconnect's (reference §5.2) for tests, and reads the handshake
 * datagrams that answer them. All offsets assume one unfragmented handshake message at the start of the datagram.
 */
public final class ClientHellos {
    public static final int CLIENT_HELLO = 1;
    public static final int SERVER_HELLO = 2;
    public static final int HELLO_VERIFY_REQUEST = 3;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int CONTENT_HANDSHAKE = 22;
    /** Record header (13) plus handshake message header (12). */
    private static final int BODY = 25;
    /** client_version (2) and random (32) come before the session_id. */
    private static final int SESSION_ID = BODY + 34;

    private ClientHellos() {
    }

    public static byte[] randomId() {
        byte[] id = new byte[32];
        RANDOM.nextBytes(id);
        return id;
    }

    public static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    /**
     * @param random        the 32-byte client random (all zero is replaced by a fixed non-zero random)
     * @param sessionId     the legacy session_id (openconnect puts the App-ID here), may be empty
     * @param extensionAppId when not null, an extension 48018 carrying this id
     */
    public static byte[] hello(byte[] random, byte[] sessionId, byte[] extensionAppId) {
        byte[] r = random;
        if (Arrays.equals(r, new byte[32])) {
            r = new byte[32];
            Arrays.fill(r, (byte) 0x5A);
        }
        return helloWithExactRandom(r, sessionId, extensionAppId);
    }

    public static byte[] helloWithExactRandom(byte[] random, byte[] sessionId, byte[] extensionAppId) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(0xFE);
        body.write(0xFD);
        body.writeBytes(random);
        body.write(sessionId.length);
        body.writeBytes(sessionId);
        body.write(0); // empty cookie
        int[] suites = {0x00A9, 0xCCAB, 0xC0A5, 0x008D, 0x00A8};
        body.write(0);
        body.write(suites.length * 2);
        for (int suite : suites) {
            body.write(suite >> 8);
            body.write(suite);
        }
        body.write(1);
        body.write(0); // null compression
        ByteArrayOutputStream extensions = new ByteArrayOutputStream();
        extension(extensions, 0xFF01, new byte[]{0});           // renegotiation_info
        extension(extensions, 0x0023, new byte[0]);             // session_ticket
        extension(extensions, 0x001C, new byte[]{0x40, 0x00}); // record_size_limit
        if (extensionAppId != null) {
            byte[] data = new byte[extensionAppId.length + 1];
            data[0] = (byte) extensionAppId.length;
            System.arraycopy(extensionAppId, 0, data, 1, extensionAppId.length);
            extension(extensions, 48018, data);
        }
        body.write(extensions.size() >> 8);
        body.write(extensions.size());
        body.writeBytes(extensions.toByteArray());
        return record(handshake(body.toByteArray(), 0, body.size()));
    }

    /** {@code hello} resent with {@code cookie}, as a client answers a HelloVerifyRequest. */
    public static byte[] withCookie(byte[] hello, byte[] cookie) {
        int at = cookieAt(hello);
        int after = at + 1 + (hello[at] & 0xFF);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(hello, BODY, at - BODY);
        body.write(cookie.length);
        body.writeBytes(cookie);
        body.write(hello, after, hello.length - after);
        return record(handshake(body.toByteArray(), 0, body.size()));
    }

    /** The cookie field of a ClientHello datagram (empty before the HelloVerifyRequest). */
    public static byte[] cookieOf(byte[] hello) {
        int at = cookieAt(hello);
        return Arrays.copyOfRange(hello, at + 1, at + 1 + (hello[at] & 0xFF));
    }

    /** The cookie of a HelloVerifyRequest datagram: server_version (2 bytes), then the length-prefixed cookie. */
    public static byte[] helloVerifyCookie(byte[] datagram) {
        if (handshakeType(datagram) != HELLO_VERIFY_REQUEST) {
            throw new IllegalArgumentException("not a HelloVerifyRequest");
        }
        int length = datagram[BODY + 2] & 0xFF;
        if (datagram.length != BODY + 3 + length) {
            throw new IllegalArgumentException("HelloVerifyRequest of " + datagram.length + " bytes, cookie " + length);
        }
        return Arrays.copyOfRange(datagram, BODY + 3, BODY + 3 + length);
    }

    /** The msg_type of the first handshake message of a plaintext (epoch 0) handshake record, else -1. */
    public static int handshakeType(byte[] datagram) {
        boolean plaintextHandshake = datagram.length > BODY && datagram[0] == CONTENT_HANDSHAKE
                && datagram[3] == 0 && datagram[4] == 0;
        return plaintextHandshake ? datagram[13] & 0xFF : -1;
    }

    private static int cookieAt(byte[] hello) {
        if (handshakeType(hello) != CLIENT_HELLO) {
            throw new IllegalArgumentException("not a ClientHello");
        }
        return SESSION_ID + 1 + (hello[SESSION_ID] & 0xFF);
    }

    private static void extension(ByteArrayOutputStream out, int type, byte[] data) {
        out.write(type >> 8);
        out.write(type);
        out.write(data.length >> 8);
        out.write(data.length);
        out.writeBytes(data);
    }

    /** The handshake header for the whole message (or for a fragment of {@code length} bytes at {@code offset}). */
    static byte[] handshake(byte[] body, int offset, int length) {
        ByteBuffer out = ByteBuffer.allocate(12 + length);
        out.put((byte) 1).put(medium(body.length)).putShort((short) 0).put(medium(offset)).put(medium(length));
        out.put(body, offset, length);
        return out.array();
    }

    static byte[] record(byte[] fragment) {
        ByteBuffer out = ByteBuffer.allocate(13 + fragment.length);
        out.put((byte) 22).putShort((short) 0xFEFF).putShort((short) 0).putShort((short) 0).putInt(0)
                .putShort((short) fragment.length).put(fragment);
        return out.array();
    }

    /** The first half of {@code hello}'s message as a fragment of its own record. */
    public static byte[] fragmented(byte[] hello) {
        int bodyLength = hello.length - 25;
        byte[] body = Arrays.copyOfRange(hello, 25, hello.length);
        return record(handshake(body, 0, bodyLength / 2));
    }

    private static byte[] medium(int value) {
        return new byte[]{(byte) (value >> 16), (byte) (value >> 8), (byte) value};
    }
}
