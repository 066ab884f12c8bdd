package io.github.tunnelgw.core.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Strict IP address literals (IPv4 dotted quad or IPv6 text form), parsed without any name lookup.
 *
 * <p>{@link InetAddress#getByName} would resolve a host name it is handed by mistake, so
 * configuration code uses this instead. IPv6 zone ids ({@code %eth0}), brackets and IPv4-mapped
 * IPv6 forms are refused: they are not meaningful in a server configuration and the mapped form
 * would silently turn into an IPv4 address.
 */
public final class IpLiteral {
    private IpLiteral() {
    }

    /**
     * Parses an IPv4 or IPv6 literal.
     *
     * @throws IllegalArgumentException naming the input and what is wrong with it
     */
    public static InetAddress parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("IP address is missing");
        }
        if (text.indexOf(':') >= 0) {
            return parseIpv6(text);
        }
        if (!text.isEmpty() && text.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.')) {
            return Ipv4Address.toInet(Ipv4Address.parse(text));
        }
        throw new IllegalArgumentException(
                "not an IP address: " + Printable.quote(text) + " (expected an IPv4 or IPv6 address, not a host name)");
    }

    /**
     * Parses an IPv6 literal such as {@code fd00::1}.
     *
     * @throws IllegalArgumentException naming the input and what is wrong with it
     */
    public static Inet6Address parseIpv6(String text) {
        if (text == null) {
            throw new IllegalArgumentException("IPv6 address is missing");
        }
        // Only hex digits, colons and the dots of an embedded IPv4 tail: this keeps brackets and
        // zone ids out before the JDK parser, which would accept them.
        boolean plausible = text.indexOf(':') >= 0 && text.chars().allMatch(
                c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.');
        if (!plausible) {
            throw invalidIpv6(text, "expected hexadecimal groups separated by colons, without brackets or a zone id");
        }
        InetAddress parsed;
        try {
            parsed = InetAddress.ofLiteral(text);
        } catch (IllegalArgumentException e) {
            throw invalidIpv6(text, "malformed");
        }
        if (parsed instanceof Inet4Address v4) {
            throw invalidIpv6(text, "an IPv4-mapped address; write it as " + v4.getHostAddress());
        }
        return (Inet6Address) parsed;
    }

    private static IllegalArgumentException invalidIpv6(String text, String reason) {
        return new IllegalArgumentException("not an IPv6 address: " + Printable.quote(text) + " (" + reason + ")");
    }

    /** The conventional text of an address: dotted quad, or RFC 5952 compressed IPv6. */
    public static String format(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            return Ipv6Text.format(v6.getAddress());
        }
        return address.getHostAddress();
    }

    /**
     * Parses {@code host:port} where the host is an IP literal and the port 1-65535; an IPv6 host
     * goes in brackets ({@code [::1]:9410}) because its colons would otherwise be ambiguous.
     *
     * @throws IllegalArgumentException naming the input and what is wrong with it
     */
    public static InetSocketAddress parseSocketAddress(String text) {
        if (text == null) {
            throw new IllegalArgumentException("address:port is missing");
        }
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf("]:");
            if (close < 0) {
                throw invalidSocket(text, "expected [ipv6]:port");
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
            parseIpv6(host);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0) {
                throw invalidSocket(text, "expected address:port, such as 127.0.0.1:9410");
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw invalidSocket(text, "put an IPv6 address in brackets, such as [::1]:9410");
            }
        }
        boolean digits = !port.isEmpty() && port.length() <= 5 && port.chars().allMatch(c -> c >= '0' && c <= '9');
        int number = digits ? Integer.parseInt(port) : -1;
        if (number < 1 || number > 65535) {
            throw invalidSocket(text, "the port must be a number from 1 to 65535");
        }
        return new InetSocketAddress(parse(host), number);
    }

    private static IllegalArgumentException invalidSocket(String text, String reason) {
        return new IllegalArgumentException("not an address:port: " + Printable.quote(text) + " (" + reason + ")");
    }
}
