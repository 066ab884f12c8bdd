package io.github.tunnelgw.core.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/** A parsed HTTP response as the test client saw it: status line, headers in order, body. */
record HttpReply(String statusLine, List<String[]> headers, String body) {

    static HttpReply parseHead(String head) {
        String[] lines = head.split("\r\n");
        List<String[]> headers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.add(new String[]{lines[i].substring(0, colon), lines[i].substring(colon + 1).strip()});
        }
        return new HttpReply(lines[0], headers, "");
    }

    HttpReply withBody(String body) {
        return new HttpReply(statusLine, headers, body);
    }

    int status() {
        return Integer.parseInt(statusLine.split(" ")[1]);
    }

    Optional<String> header(String name) {
        return headers.stream().filter(h -> h[0].equalsIgnoreCase(name)).map(h -> h[1]).findFirst();
    }

    List<String> headers(String name) {
        return headers.stream().filter(h -> h[0].equalsIgnoreCase(name)).map(h -> h[1]).toList();
    }

    /** The declared body length; empty when the response carries no Content-Length header. */
    OptionalInt contentLength() {
        return header("Content-Length").map(v -> OptionalInt.of(Integer.parseInt(v))).orElse(OptionalInt.empty());
    }

    String webvpnCookie() {
        return headers("Set-Cookie").stream().filter(c -> c.startsWith("webvpn="))
                .map(c -> c.substring("webvpn=".length(), c.indexOf(';'))).findFirst().orElseThrow();
    }

    @Override
    public String toString() {
        return statusLine + " " + headers.stream().map(h -> h[0] + "=" + h[1]).toList().toString().toLowerCase(Locale.ROOT);
    }
}
