package io.github.tunnelgw.core.net;

/**
 * An IPv4 network {@code a.b.c.d/n}: the client address range and the split-tunnel routes.
 *
 * <p>The network address must have no host bits set. A route such as {@code 10.0.0.1/24} is
 * refused rather than silently cleared: the operator probably meant something, and the error says
 * what the network would be.
 *
 * @param network      the network address as an {@code int} (see {@link Ipv4Address})
 * @param prefixLength 0 to 32
 */
public record Ipv4Cidr(int network, int prefixLength) {

    public Ipv4Cidr {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is outside 0..32");
        }
        int mask = maskOf(prefixLength);
        if ((network & ~mask) != 0) {
            throw hostBitsSet(network, prefixLength);
        }
    }

    /**
     * Parses {@code a.b.c.d/n} strictly: a dotted quad as {@link Ipv4Address#parse} accepts, a slash,
     * and a decimal prefix length from 0 to 32.
     *
     * @throws IllegalArgumentException naming the input and what is wrong with it
     */
    public static Ipv4Cidr parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("IPv4 network is missing");
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw invalid(text, "expected a.b.c.d/n, with a prefix length after the slash");
        }
        int address;
        try {
            address = Ipv4Address.parse(text.substring(0, slash));
        } catch (IllegalArgumentException e) {
            throw invalid(text, "the part before the slash is not a dotted-quad IPv4 address");
        }
        int prefix = parsePrefix(text, text.substring(slash + 1));
        if ((address & ~maskOf(prefix)) != 0) {
            throw hostBitsSet(address, prefix);
        }
        return new Ipv4Cidr(address, prefix);
    }

    private static int parsePrefix(String text, String digits) {
        boolean ascii = !digits.isEmpty() && digits.length() <= 2
                && digits.chars().allMatch(c -> c >= '0' && c <= '9');
        if (!ascii || (digits.length() > 1 && digits.charAt(0) == '0')) {
            throw invalid(text, "the prefix length must be a number from 0 to 32");
        }
        int prefix = Integer.parseInt(digits);
        if (prefix > 32) {
            throw invalid(text, "the prefix length must be a number from 0 to 32");
        }
        return prefix;
    }

    private static IllegalArgumentException invalid(String text, String reason) {
        return new IllegalArgumentException(
                "not an IPv4 network: " + Printable.quote(text) + " (" + reason + ")");
    }

    private static IllegalArgumentException hostBitsSet(int address, int prefix) {
        return new IllegalArgumentException(Ipv4Address.format(address) + "/" + prefix
                + " has host bits set; did you mean "
                + Ipv4Address.format(address & maskOf(prefix)) + "/" + prefix + "?");
    }

    private static int maskOf(int prefix) {
        // A shift by 32 is a shift by 0 in Java, so /0 needs its own case.
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    /** The netmask as an {@code int}, e.g. {@code 0xffffff00} for a /24. */
    public int netmask() {
        return maskOf(prefixLength);
    }

    /** The netmask as a dotted quad, e.g. {@code 255.255.255.0}. */
    public String netmaskDotted() {
        return Ipv4Address.format(netmask());
    }

    /** The last address of the network (all host bits set). */
    public int broadcast() {
        return network | ~netmask();
    }

    /** Whether {@code address} lies inside this network. */
    public boolean contains(int address) {
        return (address & netmask()) == network;
    }

    /** Whether the two networks share at least one address (one contains the other). */
    public boolean overlaps(Ipv4Cidr other) {
        return contains(other.network) || other.contains(network);
    }

    /** How many addresses the network spans, network and broadcast included (2^(32-n)). */
    public long size() {
        return 1L << (32 - prefixLength);
    }

    /** {@code a.b.c.d/n}. */
    @Override
    public String toString() {
        return Ipv4Address.format(network) + "/" + prefixLength;
    }

    /** {@code a.b.c.d/255.255.0.0}, the form of an {@code X-CSTP-Split-Include} header value. */
    public String toDottedMaskForm() {
        return Ipv4Address.format(network) + "/" + netmaskDotted();
    }
}
