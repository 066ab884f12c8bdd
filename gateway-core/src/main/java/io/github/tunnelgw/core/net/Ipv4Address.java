package io.github.tunnelgw.core.net;

import java.net.InetAddress;
import java.net.Inet4Address;
import java.net.UnknownHostException;

/**
 * IPv4 addresses as plain {@code int}s (network byte order: the first octet is the most significant
 * byte), the form the data path and the lease pool use, with strict parsing and formatting.
 *
 * <p>Parsing accepts only the dotted quad {@code a.b.c.d} with four decimal octets 0-255. The
 * shorthand forms {@code inet_aton} accepts ({@code 10.1}, {@code 0x0a.0.0.1}, {@code 010.0.0.1}
 * read as octal) are refused, because the same text would mean different addresses to different
 * tools.
 */
public final class Ipv4Address {
    private Ipv4Address() {
    }

    /**
     * Parses a strict dotted quad.
     *
     * @throws IllegalArgumentException naming the input and what is wrong with it
     */
    public static int parse(String dotted) {
        if (dotted == null) {
            throw new IllegalArgumentException("IPv4 address is missing");
        }
        int address = 0;
        int octets = 0;
        int start = 0;
        int length = dotted.length();
        while (true) {
            int end = dotted.indexOf('.', start);
            if (end < 0) {
                end = length;
            }
            if (++octets > 4) {
                throw invalid(dotted, "it has more than 4 parts");
            }
            address = (address << 8) | parseOctet(dotted, start, end);
            if (end == length) {
                break;
            }
            start = end + 1;
        }
        if (octets != 4) {
            throw invalid(dotted, "it has " + octets + (octets == 1 ? " part" : " parts") + ", not 4");
        }
        return address;
    }

    private static int parseOctet(String dotted, int start, int end) {
        int digits = end - start;
        if (digits == 0) {
            throw invalid(dotted, "it has an empty part");
        }
        if (digits > 3) {
            throw invalid(dotted, "each part must be a number from 0 to 255");
        }
        int value = 0;
        for (int i = start; i < end; i++) {
            char c = dotted.charAt(i);
            // Only ASCII digits: Character.isDigit would also let through other scripts' digits.
            if (c < '0' || c > '9') {
                throw invalid(dotted, "each part must be a number from 0 to 255");
            }
            value = value * 10 + (c - '0');
        }
        if (digits > 1 && dotted.charAt(start) == '0') {
            throw invalid(dotted, "a part has a leading zero, which some tools read as octal");
        }
        if (value > 255) {
            throw invalid(dotted, "each part must be a number from 0 to 255");
        }
        return value;
    }

    private static IllegalArgumentException invalid(String input, String reason) {
        return new IllegalArgumentException(
                "not an IPv4 address: " + Printable.quote(input) + " (" + reason + ")");
    }

    /** The dotted quad of {@code address}. */
    public static String format(int address) {
        return new StringBuilder(15)
                .append(address >>> 24).append('.')
                .append((address >>> 16) & 0xff).append('.')
                .append((address >>> 8) & 0xff).append('.')
                .append(address & 0xff)
                .toString();
    }

    /** The address as a JDK object; never performs a name lookup. */
    public static Inet4Address toInet(int address) {
        byte[] bytes = {
            (byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address
        };
        try {
            return (Inet4Address) InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            // getByAddress throws only for a byte array of the wrong length.
            throw new AssertionError(e);
        }
    }

    /** The address of a JDK object. */
    public static int fromInet(Inet4Address address) {
        byte[] b = address.getAddress();
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }
}
