package io.github.tunnelgw.core.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * tcpdump on one device of a namespace, writing a classic pcap file packet by packet; {@link #datagrams()} reads
 * the UDP datagrams it wrote so far (Ethernet, IPv4) and {@link #stop()} ends it with SIGINT.
 */
final class PacketCapture implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final int LINKTYPE_ETHERNET = 1;
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int PROTOCOL_UDP = 17;

    /** A captured UDP datagram: addresses as dotted quads, the payload without headers. */
    record UdpDatagram(String source, int sourcePort, String destination, int destinationPort, byte[] payload) {
    }

    private final BackgroundProcess tcpdump;
    private final Path file;

    private PacketCapture(BackgroundProcess tcpdump, Path file) {
        this.tcpdump = tcpdump;
        this.file = file;
    }

    /**
     * Starts capturing and returns once tcpdump listens. {@code -Z root}: tcpdump would otherwise drop to its own
     * user, which may not write in the harness's directories.
     *
     * @param filter a pcap filter expression, e.g. {@code udp port 443}
     */
    static PacketCapture start(NetworkNamespace namespace, String device, String filter, Path directory) {
        Path file = directory.resolve("capture.pcap");
        BackgroundProcess tcpdump = BackgroundProcess.start("tcpdump on " + device + " in " + namespace,
                namespace.command(Tool.TCPDUMP.path(), "-i", device, "-n", "--immediate-mode", "-U", "-Z", "root", "-w",
                        file.toString(), filter),
                directory.resolve("tcpdump.log"), Map.of(), null);
        try {
            Poll.until("tcpdump to listen on " + device, START_TIMEOUT, () -> {
                if (!tcpdump.isAlive()) {
                    throw new HarnessException("tcpdump exited before listening: " + tcpdump.log());
                }
                return tcpdump.log().contains("listening on " + device);
            });
            return new PacketCapture(tcpdump, file);
        } catch (RuntimeException | Error e) {
            tcpdump.close();
            throw e;
        }
    }

    /** Stops tcpdump (if it still runs) and returns every UDP datagram in the file, in capture order. */
    List<UdpDatagram> stop() {
        if (tcpdump.isAlive()) {
            tcpdump.interrupt(STOP_TIMEOUT);
        }
        return datagrams();
    }

    /**
     * The UDP datagrams written so far (immediate mode, flushed per packet), so a test can wait for the one it needs
     * before stopping the capture: tcpdump does not write what it has not read yet when it is stopped.
     */
    List<UdpDatagram> datagrams() {
        try {
            return udpDatagrams(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " (tcpdump: " + tcpdump.log() + ")", e);
        }
    }

    @Override
    public void close() {
        tcpdump.close();
    }

    /** Parses a classic pcap file (either byte order, micro- or nanosecond stamps) of Ethernet frames. */
    static List<UdpDatagram> udpDatagrams(byte[] pcap) {
        ByteBuffer in = ByteBuffer.wrap(pcap);
        if (pcap.length < 24) {
            throw new IllegalArgumentException("not a pcap file: " + pcap.length + " bytes");
        }
        int magic = in.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
            in.order(ByteOrder.BIG_ENDIAN);
            magic = in.getInt(0);
            if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
                throw new IllegalArgumentException("not a classic pcap file (magic " + Integer.toHexString(magic) + ")");
            }
        }
        int linkType = in.getInt(20);
        if (linkType != LINKTYPE_ETHERNET) {
            throw new IllegalArgumentException("link type " + linkType + ", expected Ethernet");
        }
        List<UdpDatagram> datagrams = new ArrayList<>();
        int p = 24;
        while (p + 16 <= pcap.length) {
            int captured = in.getInt(p + 8);
            int frame = p + 16;
            if (frame + captured > pcap.length) {
                break; // a record cut short by the stop
            }
            udpDatagram(pcap, frame, captured).ifPresent(datagrams::add);
            p = frame + captured;
        }
        return datagrams;
    }

    private static Optional<UdpDatagram> udpDatagram(byte[] pcap, int frame, int length) {
        ByteBuffer in = ByteBuffer.wrap(pcap, frame, length).slice().order(ByteOrder.BIG_ENDIAN);
        if (length < 14 + 20 || (in.getShort(12) & 0xFFFF) != ETHERTYPE_IPV4) {
            return Optional.empty();
        }
        int ip = 14;
        int headerLength = (in.get(ip) & 0x0F) * 4;
        if ((in.get(ip + 9) & 0xFF) != PROTOCOL_UDP || ip + headerLength + 8 > length) {
            return Optional.empty();
        }
        int udp = ip + headerLength;
        int udpLength = in.getShort(udp + 4) & 0xFFFF;
        if (udpLength < 8 || udp + udpLength > length) {
            return Optional.empty(); // truncated by the snapshot length
        }
        return Optional.of(new UdpDatagram(dottedQuad(pcap, frame + ip + 12), in.getShort(udp) & 0xFFFF,
                dottedQuad(pcap, frame + ip + 16), in.getShort(udp + 2) & 0xFFFF,
                Arrays.copyOfRange(pcap, frame + udp + 8, frame + udp + udpLength)));
    }

    private static String dottedQuad(byte[] bytes, int at) {
        return (bytes[at] & 0xFF) + "." + (bytes[at + 1] & 0xFF) + "." + (bytes[at + 2] & 0xFF) + "." + (bytes[at + 3] & 0xFF);
    }
}
