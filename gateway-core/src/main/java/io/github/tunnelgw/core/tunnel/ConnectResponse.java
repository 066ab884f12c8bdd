package io.github.tunnelgw.core.tunnel;

import io.github.tunnelgw.core.http.HttpResponses;
import io.github.tunnelgw.core.net.Ipv4Address;
import io.github.tunnelgw.core.net.Ipv4Cidr;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code HTTP/1.1 200 CONNECTED} header block (reference §3.3), in ocserv's order. It is written as raw
 * bytes because the HTTP codec leaves the pipeline at this point: the next bytes on the stream are CSTP frames.
 */
public final class ConnectResponse {
    /** Rekeying is done by reconnecting; the client does that at this interval (48 h, ocserv's default). */
    static final Duration REKEY_INTERVAL = Duration.ofHours(48);

    private ConnectResponse() {
    }

    /** @param sessionRemaining time left before the session timeout, if there is one */
    public static String build(TunnelParameters p, int leasedAddress, int tunnelMtu, int linkMtu,
                               Optional<Duration> sessionRemaining) {
        return build(p, leasedAddress, tunnelMtu, linkMtu, sessionRemaining, Optional.empty());
    }

    /**
     * @param sessionRemaining time left before the session timeout, if there is one
     * @param dtls             the DTLS offer when PSK-NEGOTIATE was negotiated; without one no {@code X-DTLS-*}
     *                         header is sent and the client stays on CSTP
     */
    public static String build(TunnelParameters p, int leasedAddress, int tunnelMtu, int linkMtu,
                               Optional<Duration> sessionRemaining, Optional<DtlsOffer> dtls) {
        StringBuilder out = new StringBuilder(1024).append("HTTP/1.1 200 CONNECTED\r\n");
        header(out, "X-CSTP-Version", "1");
        header(out, "X-CSTP-Server-Name", p.serverName());
        header(out, "X-CSTP-DPD", seconds(p.dpd()));
        p.defaultDomain().ifPresent(domain -> header(out, "X-CSTP-Default-Domain", domain));
        header(out, "X-CSTP-Address", Ipv4Address.format(leasedAddress));
        header(out, "X-CSTP-Netmask", p.network().netmaskDotted());
        p.dnsServers().forEach(dns -> header(out, "X-CSTP-DNS", dns));
        p.splitDns().forEach(domain -> header(out, "X-CSTP-Split-DNS", domain));
        for (Ipv4Cidr route : p.routeIncludes()) {
            header(out, "X-CSTP-Split-Include", route.toDottedMaskForm());
        }
        for (Ipv4Cidr route : p.routeExcludes()) {
            header(out, "X-CSTP-Split-Exclude", route.toDottedMaskForm());
        }
        header(out, "X-CSTP-Tunnel-All-DNS", String.valueOf(p.routeIncludes().isEmpty()));
        header(out, "X-CSTP-Client-Bypass-Protocol", "false");
        header(out, "X-CSTP-Keepalive", seconds(p.keepalive()));
        header(out, "X-CSTP-Idle-Timeout", p.idleTimeout().map(ConnectResponse::seconds).orElse("none"));
        header(out, "X-CSTP-Smartcard-Removal-Disconnect", "true");
        header(out, "X-CSTP-Rekey-Time", seconds(REKEY_INTERVAL));
        header(out, "X-CSTP-Rekey-Method", "new-tunnel");
        header(out, "X-CSTP-Session-Timeout", p.sessionTimeout().map(ConnectResponse::seconds).orElse("none"));
        sessionRemaining.ifPresent(left -> header(out, "X-CSTP-Session-Timeout-Remaining", seconds(left)));
        header(out, "X-CSTP-Disconnected-Timeout", seconds(p.disconnectedTimeout()));
        header(out, "X-CSTP-Keep", "true");
        header(out, "X-CSTP-TCP-Keepalive", "true");
        header(out, "X-CSTP-License", "accept");
        dtls.ifPresent(offer -> {
            header(out, "X-DTLS-DPD", seconds(offer.dpd()));
            header(out, "X-DTLS-Port", String.valueOf(offer.port()));
            header(out, "X-DTLS-Keepalive", seconds(offer.keepalive()));
            header(out, "X-DTLS-App-ID", offer.appIdHex());
            header(out, "X-DTLS-CipherSuite", "PSK-NEGOTIATE");
        });
        header(out, "X-CSTP-Base-MTU", String.valueOf(linkMtu));
        header(out, "X-CSTP-MTU", String.valueOf(tunnelMtu));
        HttpHeaders security = new DefaultHttpHeaders();
        HttpResponses.addSecurityHeaders(security);
        for (Map.Entry<String, String> h : security) {
            header(out, h.getKey(), h.getValue());
        }
        return out.append("\r\n").toString();
    }

    private static void header(StringBuilder out, String name, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                throw new IllegalArgumentException("control character in the value of " + name);
            }
        }
        out.append(name).append(": ").append(value).append("\r\n");
    }

    private static String seconds(Duration d) {
        return String.valueOf(Math.max(0, d.toSeconds()));
    }
}
