package io.github.tunnelgw.core.server;

import io.github.tunnelgw.core.cstp.CstpFrame;
import io.github.tunnelgw.core.dtls.DtlsSelfClient;
import io.github.tunnelgw.core.dtls.PskNegotiation;
import io.github.tunnelgw.core.net.Ipv4Address;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.List;
import java.util.Map;

/**
 * One login the way openconnect 9.01 makes it with {@code --http-auth=Bearer} (reference §2.1), for the start-up
 * warm-up: TLS 1.3, the XML init POST answered by the bearer challenge, the same POST with the token, CONNECT with
 * the cookie and PSK-NEGOTIATE, one DATA frame from the leased address and a DPD request answered; when DTLS was
 * offered, the DTLS handshake with the exporter's key, a DATA record and a DPD request answered
 * ({@link DtlsSelfClient}); then DISCONNECT (logout) and close. Any other answer is an {@link IOException} naming the step.
 *
 * <p>It trusts exactly one certificate, the gateway's own, and talks only to the warm-up listener on loopback.
 * Not thread-safe: the warm-up logs in from one thread, one login after the other.
 */
final class SelfLoginClient {
    private static final int TIMEOUT_MILLIS = 5_000;
    private static final String INIT_BODY = """
            <?xml version="1.0" encoding="UTF-8"?>
            <config-auth client="vpn" type="init" aggregate-auth-version="2"><version who="vpn">v9.01</version>\
            <device-id>linux-64</device-id><group-access>https://localhost/</group-access></config-auth>
            """;
    private static final int MAX_HEAD = 16 * 1024;
    /**
     * The key exchange of the TLS handshake, in turn: P-256, which openconnect (GnuTLS) offers first, and X25519,
     * which the JDK and BoringSSL clients offer first. The server's P-256 key exchange is code its ECDSA signing does
     * not run (a variable-base point multiplication), so without it in the warm-up the first openconnect clients
     * after a start had the JIT compiling it during their connects.
     */
    static final List<String> KEY_EXCHANGE_GROUPS = List.of("secp256r1", "x25519");

    private final SSLSocketFactory sockets;
    private final InetSocketAddress server;
    private int logins;

    SelfLoginClient(X509Certificate serverCertificate, InetSocketAddress server) throws IOException {
        this.sockets = pinnedTo(serverCertificate);
        this.server = server;
    }

    private static SSLSocketFactory pinnedTo(X509Certificate certificate) throws IOException {
        try {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("gateway", certificate);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLSv1.3");
            context.init(null, trust.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up the warm-up client's TLS: " + e.getMessage(), e);
        }
    }

    void login(String token) throws IOException {
        login(token, server, null);
    }

    /** One login whose CSTP connection and DTLS channel carry {@code traffic} besides a packet and a DPD. */
    void login(String token, WarmupTraffic traffic) throws IOException {
        login(token, server, traffic);
    }

    /** One login at {@code server} instead of the warm-up listener (for tests against a fake server). */
    void login(String token, InetSocketAddress server) throws IOException {
        login(token, server, null);
    }

    private void login(String token, InetSocketAddress server, WarmupTraffic traffic) throws IOException {
        try (SSLSocket socket = (SSLSocket) sockets.createSocket()) {
            socket.connect(server, TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.setTcpNoDelay(true);
            socket.setEnabledProtocols(new String[]{"TLSv1.3"});
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setNamedGroups(new String[]{KEY_EXCHANGE_GROUPS.get(logins++ % KEY_EXCHANGE_GROUPS.size())});
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());

            out.write(post(null));
            expect(readHead(in, true), 401, "the init POST");
            out.write(post(token));
            Map<String, String> login = expect(readHead(in, true), 200, "the token POST");
            String cookie = webvpnCookie(login.get("set-cookie"));

            out.write(connect(cookie));
            Map<String, String> tunnel = expect(readHead(in, false), 200, "CONNECT");
            int address = Ipv4Address.parse(required(tunnel, "x-cstp-address"));

            byte[] packet = echoRequestFrom(address);
            out.write(frame(CstpFrame.DATA, packet));
            out.write(frame(CstpFrame.DPD_REQUEST, new byte[0]));
            out.flush();
            awaitFrame(in, CstpFrame.DPD_RESPONSE);
            if (traffic != null) {
                traffic.overCstp(new CstpLink(in, out), address);
            }
            if (tunnel.containsKey("x-dtls-app-id")) {
                byte[] psk = ((ExtendedSSLSession) socket.getSession())
                        .exportKeyingMaterialData(PskNegotiation.EXPORTER_LABEL, null, PskNegotiation.PSK_LENGTH);
                DtlsSelfClient.exchange(new InetSocketAddress(server.getAddress(),
                                Integer.parseInt(required(tunnel, "x-dtls-port"))),
                        HexFormat.of().parseHex(tunnel.get("x-dtls-app-id")), psk, packet,
                        traffic != null ? traffic.overDtls() : DtlsSelfClient.ONE_PACKET_AND_DPD);
            }
            out.write(frame(CstpFrame.DISCONNECT, new byte[]{CstpFrame.DISCONNECT_REASON_LOGOUT}));
            out.flush();
            // The gateway closes once it has ended the session, so its lease is free before the next login.
            awaitClose(in);
        }
    }

    /** CSTP frames on the TLS connection; nothing is lost on TCP, so every reply is waited for. */
    private record CstpLink(InputStream in, OutputStream out) implements WarmupTraffic.Link {
        @Override
        public void send(byte type, byte[] payload) throws IOException {
            out.write(frame(type, payload));
            out.flush();
        }

        @Override
        public boolean awaitData() throws IOException {
            awaitFrame(in, CstpFrame.DATA);
            return true;
        }
    }

    private static byte[] post(String token) {
        byte[] body = INIT_BODY.getBytes(StandardCharsets.UTF_8);
        String head = "POST / HTTP/1.1\r\nHost: localhost\r\nUser-Agent: Open AnyConnect VPN Agent v9.01 (warm-up)\r\n"
                + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
                + "Accept: */*\r\nAccept-Encoding: identity\r\nX-Transcend-Version: 1\r\nX-Aggregate-Auth: 1\r\n"
                + "X-Support-HTTP-Auth: true\r\nContent-Type: application/xml; charset=utf-8\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";
        return concat(head.getBytes(StandardCharsets.ISO_8859_1), body);
    }

    private static byte[] connect(String cookie) {
        return ("CONNECT /CSCOSSLC/tunnel HTTP/1.1\r\nHost: localhost\r\n"
                + "User-Agent: Open AnyConnect VPN Agent v9.01 (warm-up)\r\nCookie: webvpn=" + cookie + "\r\n"
                + "X-CSTP-Version: 1\r\nX-CSTP-Hostname: warmup\r\nX-CSTP-Base-MTU: 1500\r\nX-CSTP-MTU: 1390\r\n"
                + "X-CSTP-Address-Type: IPv4\r\nX-CSTP-Full-IPv6-Capability: false\r\n"
                + "X-DTLS12-CipherSuite: PSK-NEGOTIATE:ECDHE-RSA-AES256-GCM-SHA384:AES256-GCM-SHA384\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Status code and lower-cased headers; the body (Content-Length) is read and dropped when {@code body}. */
    private record Head(int status, Map<String, String> headers) {
    }

    private static Head readHead(InputStream in, boolean body) throws IOException {
        StringBuilder text = new StringBuilder(512);
        while (text.length() < 4 || !text.substring(text.length() - 4).equals("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the gateway closed the connection after " + text.length() + " bytes of a response");
            }
            if (text.length() == MAX_HEAD) {
                throw new IOException("response head over " + MAX_HEAD + " bytes");
            }
            text.append((char) b);
        }
        String[] lines = text.toString().split("\r\n");
        String[] status = lines[0].split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP status line: " + lines[0]);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        if (body) {
            in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
        }
        return new Head(Integer.parseInt(status[1]), headers);
    }

    private static Map<String, String> expect(Head head, int status, String step) throws IOException {
        if (head.status() != status) {
            throw new IOException(step + " got " + head.status() + ", expected " + status);
        }
        return head.headers();
    }

    private static String required(Map<String, String> headers, String name) throws IOException {
        String value = headers.get(name);
        if (value == null) {
            throw new IOException("no " + name + " header");
        }
        return value;
    }

    private static String webvpnCookie(String setCookie) throws IOException {
        if (setCookie == null || !setCookie.startsWith("webvpn=")) {
            throw new IOException("the login answer sets no webvpn cookie");
        }
        int end = setCookie.indexOf(';');
        return setCookie.substring("webvpn=".length(), end < 0 ? setCookie.length() : end);
    }

    private static byte[] frame(byte type, byte[] payload) {
        byte[] header = {'S', 'T', 'F', 1, (byte) (payload.length >> 8), (byte) payload.length, type, 0};
        return concat(header, payload);
    }

    /** An ICMP echo request to the gateway's side of the range; the warm-up's uplink drops it. */
    private static byte[] echoRequestFrom(int source) {
        byte[] packet = new byte[28];
        packet[0] = 0x45;
        packet[3] = (byte) packet.length;
        packet[8] = 64;
        packet[9] = 1;
        putInt(packet, 12, source);
        putInt(packet, 16, source ^ 1);
        packet[20] = 8;
        return packet;
    }

    private static void putInt(byte[] to, int at, int value) {
        to[at] = (byte) (value >>> 24);
        to[at + 1] = (byte) (value >>> 16);
        to[at + 2] = (byte) (value >>> 8);
        to[at + 3] = (byte) value;
    }

    private static void awaitFrame(InputStream in, byte type) throws IOException {
        for (int frames = 0; frames < 16; frames++) {
            byte[] header = in.readNBytes(CstpFrame.HEADER_LENGTH);
            if (header.length < CstpFrame.HEADER_LENGTH || header[0] != 'S' || header[1] != 'T' || header[2] != 'F') {
                throw new IOException("no CSTP frame from the gateway");
            }
            in.readNBytes(((header[4] & 0xFF) << 8) | (header[5] & 0xFF));
            if (header[6] == type) {
                return;
            }
        }
        throw new IOException("no CSTP frame of type " + type + " among the first 16");
    }

    private static void awaitClose(InputStream in) throws IOException {
        byte[] drain = new byte[256];
        try {
            for (int total = 0; total < MAX_HEAD; ) {
                int n = in.read(drain);
                if (n < 0) {
                    return;
                }
                total += n;
            }
        } catch (java.net.SocketException e) {
            return; // reset instead of close_notify: closed all the same
        }
        throw new IOException("the gateway went on sending after the logout");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
