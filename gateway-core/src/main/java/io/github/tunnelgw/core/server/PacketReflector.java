package io.github.tunnelgw.core.server;

import io.github.tunnelgw.tun.PacketPipe;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.LongAdder;

/**
 * The far end of the warm-up's packet pipe, playing the internal network: every IPv4 packet addressed to
 * {@link #PEER} goes back to its sender, source and destination (and TCP or UDP ports) swapped, an ICMP echo request
 * turned into its reply; an IPv6 packet goes back unchanged, for the downlink to drop as it drops those a
 * client's tun gets from the kernel. A TCP super-packet the gateway merged goes back with its virtio header as it came, so its
 * reader has to cut it into segments, as the kernel's would; a single TCP or UDP packet goes back as the kernel hands
 * over packets it made itself on a tun with offloads: with the checksum left for the reader to complete. Packets to
 * any other address are dropped.
 *
 * <p>Runs on a platform thread of its own until the pipe closes.
 */
final class PacketReflector {
    /** 192.0.2.1 (TEST-NET-1, RFC 5737): never a real host, and never in a gateway's own range. */
    static final int PEER = 0xC000_0201;
    private static final int PROTOCOL_ICMP = 1, PROTOCOL_TCP = 6, PROTOCOL_UDP = 17;
    private static final int ICMP_ECHO_REQUEST = 8;
    private static final int TCP_CHECKSUM = 16, UDP_CHECKSUM = 6;
    /** Virtio header fields (struct virtio_net_hdr). */
    private static final int FLAGS = 0, GSO_TYPE = 1, CHECKSUM_START = 6, CHECKSUM_OFFSET = 8, NEEDS_CSUM = 1;

    private final PacketPipe pipe;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(PacketPipe.HEADER_LENGTH + 65_535);
    private final LongAdder reflected = new LongAdder();
    private final Thread thread;

    private PacketReflector(PacketPipe pipe, String threadName) {
        this.pipe = pipe;
        this.thread = Thread.ofPlatform().daemon().name(threadName).unstarted(this::run);
    }

    static PacketReflector start(PacketPipe pipe, String threadName) {
        PacketReflector reflector = new PacketReflector(pipe, threadName);
        reflector.thread.start();
        return reflector;
    }

    long reflected() {
        return reflected.sum();
    }

    private void run() {
        try {
            while (true) {
                buffer.clear();
                int n = pipe.receive(buffer);
                if (n < 0) {
                    return;
                }
                buffer.limit(n);
                if (turnAround(buffer, PacketPipe.HEADER_LENGTH, true) && pipe.send(buffer)) {
                    reflected.increment();
                }
            }
        } catch (IOException e) {
            // the pipe closed under a blocked call: the warm-up is over
        }
    }

    /**
     * Rewrites the IPv4 packet at {@code at} into the answer to it, in place.
     *
     * @return false if it is neither a packet to {@link #PEER} nor IPv6 (or too short to be either), which is then
     * left alone
     */
    static boolean turnAround(ByteBuffer packet, int at) {
        return turnAround(packet, at, false);
    }

    /** @param header whether the virtio header is in the {@code at} bytes in front (the pipe's far end) */
    static boolean turnAround(ByteBuffer packet, int at, boolean header) {
        int length = packet.limit() - at;
        if (length >= 40 && (packet.get(at) & 0xF0) == 0x60) {
            return true; // back unchanged: the downlink has to drop what is not IPv4, as it drops the kernel's
        }
        if (length < 20 || (packet.get(at) & 0xF0) != 0x40 || packet.getInt(at + 16) != PEER) {
            return false;
        }
        int headerLength = (packet.get(at) & 0x0F) * 4;
        int protocol = packet.get(at + 9) & 0xFF;
        int transport = at + headerLength;
        packet.putInt(at + 16, packet.getInt(at + 12));
        packet.putInt(at + 12, PEER);
        if ((protocol == PROTOCOL_TCP || protocol == PROTOCOL_UDP) && length >= headerLength + 8) {
            short sourcePort = packet.getShort(transport);
            packet.putShort(transport, packet.getShort(transport + 2));
            packet.putShort(transport + 2, sourcePort);
            int checksumOffset = protocol == PROTOCOL_TCP ? TCP_CHECKSUM : UDP_CHECKSUM;
            if (header && packet.get(GSO_TYPE) == 0 && length >= headerLength + checksumOffset + 2) {
                leaveChecksumPartial(packet, at, headerLength, protocol, checksumOffset);
            }
        } else if (protocol == PROTOCOL_ICMP && length >= headerLength + 4
                && (packet.get(transport) & 0xFF) == ICMP_ECHO_REQUEST) {
            packet.put(transport, (byte) 0);
            // RFC 1624: the checksum follows the changed word (type and code), without summing the message again
            int word = ICMP_ECHO_REQUEST << 8 | (packet.get(transport + 1) & 0xFF);
            int sum = (~packet.getShort(transport + 2) & 0xFFFF) + (~word & 0xFFFF) + (word & 0xFF);
            sum = (sum & 0xFFFF) + (sum >>> 16);
            sum = (sum & 0xFFFF) + (sum >>> 16);
            packet.putShort(transport + 2, (short) ~sum);
        }
        return true;
    }

    /** The kernel's way: NEEDS_CSUM in the header, and only the pseudo-header's sum in the checksum field. */
    private static void leaveChecksumPartial(ByteBuffer packet, int at, int headerLength, int protocol,
                                             int checksumOffset) {
        int transportLength = packet.limit() - at - headerLength;
        int sum = (packet.getShort(at + 12) & 0xFFFF) + (packet.getShort(at + 14) & 0xFFFF)
                + (packet.getShort(at + 16) & 0xFFFF) + (packet.getShort(at + 18) & 0xFFFF) + protocol + transportLength;
        sum = (sum & 0xFFFF) + (sum >>> 16);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        packet.putShort(at + headerLength + checksumOffset, (short) sum);
        ByteBuffer fields = packet.duplicate().order(ByteOrder.nativeOrder()); // virtio fields: host byte order
        fields.put(FLAGS, (byte) NEEDS_CSUM).putShort(CHECKSUM_START, (short) headerLength)
                .putShort(CHECKSUM_OFFSET, (short) checksumOffset);
    }
}
