package io.github.tunnelgw.loadclient;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One HTTP/1.1 response head and body as the AnyConnect control channel sends them (Content-Length bodies only). */
record HttpReply(String statusLine, int status, List<String[]> headers, String body) {
    private static final int MAX_HEAD = 64 * 1024;

    /**
     * Takes one complete response off the front of {@code in}, or returns null (nothing consumed) while it is
     * incomplete. {@code headOnly}: the response to CONNECT has no body, the tunnel's frames follow the head.
     */
    static HttpReply take(ByteBuf in, boolean headOnly) {
        int end = headEnd(in);
        if (end < 0) {
            if (in.readableBytes() > MAX_HEAD) {
                throw new IllegalStateException("response head longer than " + MAX_HEAD + " bytes");
            }
            return null;
        }
        String head = in.toString(in.readerIndex(), end - in.readerIndex(), StandardCharsets.ISO_8859_1);
        String[] lines = head.split("\r\n");
        List<String[]> headers = new ArrayList<>();
        int contentLength = 0;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                throw new IllegalStateException("malformed header line: " + lines[i]);
            }
            String name = lines[i].substring(0, colon).trim();
            String value = lines[i].substring(colon + 1).trim();
            headers.add(new String[] {name, value});
            if (name.equalsIgnoreCase("Content-Length")) {
                contentLength = Integer.parseInt(value);
            } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                throw new IllegalStateException("chunked responses are not supported");
            }
        }
        int bodyStart = end + 4;
        if (headOnly) {
            contentLength = 0;
        }
        if (in.writerIndex() < bodyStart + contentLength) {
            return null;
        }
        String body = in.toString(bodyStart, contentLength, StandardCharsets.UTF_8);
        in.readerIndex(bodyStart + contentLength);
        String[] status = lines[0].split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/1.")) {
            throw new IllegalStateException("not an HTTP response: " + lines[0]);
        }
        return new HttpReply(lines[0], Integer.parseInt(status[1]), headers, body);
    }

    private static int headEnd(ByteBuf in) {
        for (int i = in.readerIndex(); i + 3 < in.writerIndex(); i++) {
            if (in.getByte(i) == '\r' && in.getByte(i + 1) == '\n' && in.getByte(i + 2) == '\r' && in.getByte(i + 3) == '\n') {
                return i;
            }
        }
        return -1;
    }

    String header(String name) {
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(name)) {
                return h[1];
            }
        }
        return null;
    }

    List<String> all(String name) {
        List<String> values = new ArrayList<>();
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(name)) {
                values.add(h[1]);
            }
        }
        return values;
    }

    boolean offersBearer() {
        return all("WWW-Authenticate").stream().anyMatch(v -> v.toLowerCase(Locale.ROOT).startsWith("bearer"));
    }
}
