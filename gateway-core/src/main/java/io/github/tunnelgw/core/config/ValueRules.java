package io.github.tunnelgw.core.config;

import io.github.tunnelgw.core.net.IpLiteral;
import io.github.tunnelgw.core.net.Ipv4Cidr;
import io.github.tunnelgw.core.net.Ipv6Cidr;
import io.github.tunnelgw.core.net.Printable;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks for single config values that are not addresses or names (those live in the net package).
 * Each takes the text of one value and returns it, or the value it stands for, or throws an
 * IllegalArgumentException whose message {@link ConfigSection} puts after the key.
 */
final class ValueRules {
    /** Client ranges: at least one address besides network, gateway and broadcast; at most 2^24 addresses. */
    static final int MIN_NETWORK_PREFIX = 8;
    static final int MAX_NETWORK_PREFIX = 30;
    /** IFNAMSIZ is 16 bytes including the terminating NUL. */
    static final int MAX_INTERFACE_NAME = 15;
    /** Ranges a client address must not come from: "this network", loopback, multicast and reserved. */
    private static final List<Ipv4Cidr> UNUSABLE_RANGES = List.of(
            Ipv4Cidr.parse("0.0.0.0/8"), Ipv4Cidr.parse("127.0.0.0/8"), Ipv4Cidr.parse("224.0.0.0/3"));
    private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9_-]*(%d)?[A-Za-z0-9_-]*");
    private static final Pattern NFT_TABLE = Pattern.compile("[A-Za-z0-9_]{1,64}");

    private ValueRules() {
    }

    static Ipv4Cidr clientRange(String text) {
        Ipv4Cidr cidr = Ipv4Cidr.parse(text);
        if (cidr.prefixLength() < MIN_NETWORK_PREFIX || cidr.prefixLength() > MAX_NETWORK_PREFIX) {
            throw new IllegalArgumentException("the client range " + cidr + " must have a prefix length from /"
                    + MIN_NETWORK_PREFIX + " to /" + MAX_NETWORK_PREFIX
                    + " (a /30 leaves one client address besides network, gateway and broadcast)");
        }
        for (Ipv4Cidr unusable : UNUSABLE_RANGES) {
            if (cidr.overlaps(unusable)) {
                throw new IllegalArgumentException("the client range " + cidr + " overlaps " + unusable
                        + ", which cannot hold client addresses");
            }
        }
        return cidr;
    }

    /** An IPv4 or IPv6 route (Intune keeps both in one list; a colon means IPv6). */
    static Object route(String text) {
        return text.indexOf(':') >= 0 ? Ipv6Cidr.parse(text) : Ipv4Cidr.parse(text);
    }

    /** An IP literal in its conventional text form. */
    static String ipAddressText(String text) {
        return IpLiteral.format(IpLiteral.parse(text));
    }

    static String interfacePattern(String text) {
        return interfaceName(text, true);
    }

    /** {@code auto} or an interface name. */
    static String outInterface(String text) {
        return text.equals("auto") ? text : interfaceName(text, false);
    }

    private static String interfaceName(String text, boolean pattern) {
        boolean valid = !text.isEmpty() && text.length() <= MAX_INTERFACE_NAME && INTERFACE.matcher(text).matches()
                && (pattern || !text.contains("%"));
        if (!valid) {
            throw new IllegalArgumentException("not an interface name: " + Printable.quote(text) + " (1 to "
                    + MAX_INTERFACE_NAME + " letters, digits, '_' or '-'" + (pattern ? ", with at most one %d" : "") + ")");
        }
        return text;
    }

    static String nftTable(String text) {
        if (!NFT_TABLE.matcher(text).matches()) {
            throw new IllegalArgumentException(
                    "not an nftables table name: " + Printable.quote(text) + " (1 to 64 letters, digits or '_')");
        }
        return text;
    }

    /** A token issuer: an absolute http(s) URL with a host. */
    static String issuerUrl(String text) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme();
            if (uri.isAbsolute() && uri.getHost() != null
                    && ("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme))) {
                return text;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new IllegalArgumentException("expected an http(s) URL such as https://login.example.com/tenant/v2.0, found "
                + Printable.quote(text));
    }

    /** A token audience: an application id or URI. */
    static String audience(String text) {
        if (text.isEmpty() || text.length() > 256
                || text.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw new IllegalArgumentException(
                    "expected an application id or URI of at most 256 characters without spaces, found " + Printable.quote(text));
        }
        return text;
    }
}
