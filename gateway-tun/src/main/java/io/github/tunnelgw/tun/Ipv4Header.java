package io.github.tunnelgw.tun;

import io.netty.buffer.ByteBuf;

import java.net.Inet4Address;

/**
 * Zero-allocation views of the IPv4 header at a ByteBuf's reader index, and the dotted-quad text of an address.
 * Addresses are big-endian {@code int}s: 10.99.0.1 is {@code 0x0A630001}.
 *
 * <p>The field views do not check the packet; call {@link #isWellFormedIpv4} first.
 */
public final class Ipv4Header {
    public static final int MIN_LENGTH = 20;

    private Ipv4Header() {
    }

    public static int version(ByteBuf packet) {
        return (packet.getByte(packet.readerIndex()) & 0xF0) >>> 4;
    }

    /** IHL in bytes (20 to 60). */
    public static int headerLength(ByteBuf packet) {
        return (packet.getByte(packet.readerIndex()) & 0x0F) * 4;
    }

    public static int totalLength(ByteBuf packet) {
        return packet.getUnsignedShort(packet.readerIndex() + 2);
    }

    /** The protocol number: 1 ICMP, 6 TCP, 17 UDP. */
    public static int protocol(ByteBuf packet) {
        return packet.getUnsignedByte(packet.readerIndex() + 9);
    }

    public static int source(ByteBuf packet) {
        return packet.getInt(packet.readerIndex() + 12);
    }

    public static int destination(ByteBuf packet) {
        return packet.getInt(packet.readerIndex() + 16);
    }

    /**
     * At least 20 readable bytes, version 4, header length (IHL) at least 20 and within the total length, and the
     * total length within the readable bytes. Trailing bytes beyond the total length are allowed (padding).
     */
    public static boolean isWellFormedIpv4(ByteBuf packet) {
        int readable = packet.readableBytes();
        if (readable < MIN_LENGTH) {
            return false;
        }
        int first = packet.getUnsignedByte(packet.readerIndex());
        int headerLength = (first & 0x0F) * 4;
        int total = totalLength(packet);
        return first >>> 4 == 4 && headerLength >= MIN_LENGTH && headerLength <= total && total <= readable;
    }

    /** {@code a.b.c.d}. */
    public static String format(int address) {
        return (address >>> 24) + "." + ((address >>> 16) & 0xFF) + "." + ((address >>> 8) & 0xFF) + "." + (address & 0xFF);
    }

    /**
     * Parses a dotted quad strictly: four decimal numbers 0-255 separated by dots, nothing else (no white space,
     * signs, leading zeros, which some parsers read as octal, or short forms such as {@code 10.1}).
     *
     * @throws IllegalArgumentException naming the input and what is wrong with it
     */
    public static int parse(String dotted) {
        if (dotted == null) {
            throw new IllegalArgumentException("IPv4 address is missing");
        }
        int address = 0;
        int octets = 0;
        int i = 0;
        int length = dotted.length();
        while (true) {
            int start = i;
            int value = 0;
            while (i < length && i - start < 4 && dotted.charAt(i) >= '0' && dotted.charAt(i) <= '9') {
                value = value * 10 + (dotted.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || digits > 3) {
                throw invalid(dotted, "expected four numbers 0-255 separated by dots");
            }
            if (digits > 1 && dotted.charAt(start) == '0') {
                throw invalid(dotted, "leading zeros are not allowed");
            }
            if (value > 255) {
                throw invalid(dotted, dotted.substring(start, i) + " is above 255");
            }
            address = address << 8 | value;
            octets++;
            if (octets == 4) {
                if (i != length) {
                    throw invalid(dotted, "unexpected text after the fourth number");
                }
                return address;
            }
            if (i >= length || dotted.charAt(i) != '.') {
                throw invalid(dotted, "expected four numbers 0-255 separated by dots");
            }
            i++;
        }
    }

    private static IllegalArgumentException invalid(String text, String reason) {
        return new IllegalArgumentException("not a dotted-quad IPv4 address: " + Quoted.of(text) + " (" + reason + ")");
    }

    static int toInt(Inet4Address address) {
        byte[] b = address.getAddress();
        return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
    }
}
