package io.github.tunnelgw.core.net;

import java.net.Inet6Address;

/**
 * An IPv6 network {@code prefix/n}, for the {@code ipv6Network} range and IPv6 split routes.
 * Like {@link Ipv4Cidr}, host bits set after the prefix are an error, not silently cleared.
 *
 * @param high         the first 64 bits of the network address
 * @param low          the last 64 bits of the network address
 * @param prefixLength 0 to 128
 */
public record Ipv6Cidr(long high, long low, int prefixLength) {

    public Ipv6Cidr {
        if (prefixLength < 0 || prefixLength > 128) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is outside 0..128");
        }
        if ((high & ~highMask(prefixLength)) != 0 || (low & ~lowMask(prefixLength)) != 0) {
            throw hostBitsSet(high, low, prefixLength);
        }
    }

    /**
     * Parses {@code addr/n}: an IPv6 literal as {@link IpLiteral#parseIpv6} accepts, a slash and a
     * decimal prefix length from 0 to 128.
     *
     * @throws IllegalArgumentException naming the input and what is wrong with it
     */
    public static Ipv6Cidr parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("IPv6 network is missing");
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw invalid(text, "expected an IPv6 address, a slash and a prefix length");
        }
        Inet6Address address;
        try {
            address = IpLiteral.parseIpv6(text.substring(0, slash));
        } catch (IllegalArgumentException e) {
            throw invalid(text, "the part before the slash is not an IPv6 address");
        }
        String digits = text.substring(slash + 1);
        boolean ascii = !digits.isEmpty() && digits.length() <= 3
                && digits.chars().allMatch(c -> c >= '0' && c <= '9')
                && !(digits.length() > 1 && digits.charAt(0) == '0');
        if (!ascii || Integer.parseInt(digits) > 128) {
            throw invalid(text, "the prefix length must be a number from 0 to 128");
        }
        int prefix = Integer.parseInt(digits);
        byte[] bytes = address.getAddress();
        long high = toLong(bytes, 0);
        long low = toLong(bytes, 8);
        if ((high & ~highMask(prefix)) != 0 || (low & ~lowMask(prefix)) != 0) {
            throw hostBitsSet(high, low, prefix);
        }
        return new Ipv6Cidr(high, low, prefix);
    }

    private static long toLong(byte[] bytes, int offset) {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (bytes[offset + i] & 0xff);
        }
        return value;
    }

    private static long highMask(int prefix) {
        return prefix == 0 ? 0 : prefix >= 64 ? -1L : -1L << (64 - prefix);
    }

    private static long lowMask(int prefix) {
        return prefix <= 64 ? 0 : prefix == 128 ? -1L : -1L << (128 - prefix);
    }

    private static IllegalArgumentException invalid(String text, String reason) {
        return new IllegalArgumentException("not an IPv6 network: " + Printable.quote(text) + " (" + reason + ")");
    }

    private static IllegalArgumentException hostBitsSet(long high, long low, int prefix) {
        return new IllegalArgumentException(format(high, low) + "/" + prefix + " has host bits set; did you mean "
                + format(high & highMask(prefix), low & lowMask(prefix)) + "/" + prefix + "?");
    }

    private static String format(long high, long low) {
        return Ipv6Text.format(toBytes(high, low));
    }

    private static byte[] toBytes(long high, long low) {
        byte[] bytes = new byte[16];
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (high >>> (56 - 8 * i));
            bytes[8 + i] = (byte) (low >>> (56 - 8 * i));
        }
        return bytes;
    }

    /** The network address as 16 bytes. */
    public byte[] networkBytes() {
        return toBytes(high, low);
    }

    /** Whether {@code address} lies inside this network. */
    public boolean contains(Inet6Address address) {
        byte[] bytes = address.getAddress();
        return (toLong(bytes, 0) & highMask(prefixLength)) == high
                && (toLong(bytes, 8) & lowMask(prefixLength)) == low;
    }

    /** {@code fd00:1234::/32} (RFC 5952 address text). */
    @Override
    public String toString() {
        return format(high, low) + "/" + prefixLength;
    }
}
