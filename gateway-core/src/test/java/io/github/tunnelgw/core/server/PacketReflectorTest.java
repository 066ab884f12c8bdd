package io.github.tunnelgw.core.server;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.assertj.core.api.Assertions.assertThat;

class PacketReflectorTest {
    private static final int CLIENT = 0x0A64_0002; // 10.100.0.2
    private static final int AT = 10;             // behind a virtio header, as the pipe delivers it

    @Test
    void anEchoRequestBecomesItsReplyWithAValidChecksum() {
        ByteBuffer packet = packet(1, CLIENT, PacketReflector.PEER, 8 + 32);
        packet.put(AT + 20, (byte) 8).putShort(AT + 24, (short) 0x1234).putShort(AT + 26, (short) 7);
        packet.putShort(AT + 22, checksum(packet, AT + 20, 40));

        assertThat(PacketReflector.turnAround(packet, AT)).isTrue();

        assertThat(packet.getInt(AT + 12)).isEqualTo(PacketReflector.PEER);
        assertThat(packet.getInt(AT + 16)).isEqualTo(CLIENT);
        assertThat(packet.get(AT + 20)).as("echo reply").isZero();
        assertThat(packet.getShort(AT + 24)).as("identifier kept").isEqualTo((short) 0x1234);
        assertThat(checksum(packet, AT + 20, 40)).as("the ICMP checksum still sums to zero").isZero();
        assertThat(checksum(packet, AT, 20)).as("the IP header checksum survives the swap").isZero();
    }

    @Test
    void tcpAndUdpGoBackWithAddressesAndPortsSwappedAndTheVirtioHeaderUntouched() {
        for (int protocol : new int[]{6, 17}) {
            ByteBuffer packet = packet(protocol, CLIENT, PacketReflector.PEER, 40);
            packet.put(0, (byte) 1).put(1, (byte) 1).putShort(4, (short) 1200); // NEEDS_CSUM, GSO TCPv4, gso_size
            packet.putShort(AT + 20, (short) 40000).putShort(AT + 22, (short) 5201);

            assertThat(PacketReflector.turnAround(packet, AT)).isTrue();

            assertThat(packet.getInt(AT + 12)).isEqualTo(PacketReflector.PEER);
            assertThat(packet.getInt(AT + 16)).isEqualTo(CLIENT);
            assertThat(packet.getShort(AT + 20)).isEqualTo((short) 5201);
            assertThat(packet.getShort(AT + 22)).isEqualTo((short) 40000);
            assertThat(packet.get(0)).isEqualTo((byte) 1);
            assertThat(packet.getShort(4)).isEqualTo((short) 1200);
        }
    }

    /** What the kernel does with packets it makes on a tun with offloads, so the reader completes the sum. */
    @Test
    void aSingleTcpOrUdpPacketGoesBackWithItsChecksumLeftPartialAsTheKernelLeavesIt() {
        for (int protocol : new int[]{6, 17}) {
            int checksumAt = protocol == 6 ? 16 : 6;
            ByteBuffer packet = packet(protocol, CLIENT, PacketReflector.PEER, 40);
            packet.putShort(AT + 20, (short) 40000).putShort(AT + 22, (short) 5201).putShort(AT + 30, (short) 0x5555);

            assertThat(PacketReflector.turnAround(packet, AT, true)).isTrue();

            ByteBuffer header = packet.duplicate().order(ByteOrder.nativeOrder());
            assertThat(header.get(0)).as("NEEDS_CSUM").isEqualTo((byte) 1);
            assertThat(header.get(1)).as("not GSO").isZero();
            assertThat(header.getShort(6)).as("checksum start").isEqualTo((short) 20);
            assertThat(header.getShort(8)).as("checksum offset").isEqualTo((short) checksumAt);
            // completed as the reader does it (the sum from the checksum start, partial included), it is valid
            int completed = ~sum(packet, AT + 20, 40) & 0xFFFF;
            packet.putShort(AT + 20 + checksumAt, (short) completed);
            int pseudoHeader = sum(packet, AT + 12, 8) + protocol + 40;
            assertThat(fold(pseudoHeader + sum(packet, AT + 20, 40))).as("pseudo-header and segment sum to all ones")
                    .isEqualTo(0xFFFF);
        }
    }

    @Test
    void aMergedSuperPacketKeepsItsHeaderAndChecksum() {
        ByteBuffer packet = packet(6, CLIENT, PacketReflector.PEER, 40);
        packet.put(0, (byte) 1).put(1, (byte) 1);
        packet.putShort(AT + 36, (short) 0x1234);
        assertThat(PacketReflector.turnAround(packet, AT, true)).isTrue();
        assertThat(packet.get(1)).as("GSO TCPv4").isEqualTo((byte) 1);
        assertThat(packet.getShort(AT + 36)).as("its partial sum is symmetric in the addresses and ports")
                .isEqualTo((short) 0x1234);
    }

    @Test
    void packetsToAnyOtherAddressOrTooShortAreLeftAloneAndIpv6GoesBackAsItCame() {
        ByteBuffer elsewhere = packet(1, CLIENT, CLIENT ^ 1, 8);
        ByteBuffer copy = ByteBuffer.allocate(elsewhere.capacity()).put(elsewhere.duplicate().clear()).flip();
        assertThat(PacketReflector.turnAround(elsewhere, AT)).isFalse();
        assertThat(elsewhere.clear()).isEqualTo(copy.clear());

        ByteBuffer ipv6 = packet(1, CLIENT, PacketReflector.PEER, 20);
        ipv6.put(AT, (byte) 0x60);
        ByteBuffer ipv6Copy = ByteBuffer.allocate(ipv6.capacity()).put(ipv6.duplicate().clear()).flip();
        assertThat(PacketReflector.turnAround(ipv6, AT)).as("IPv6 goes back for the downlink to drop").isTrue();
        assertThat(ipv6.clear()).as("unchanged").isEqualTo(ipv6Copy.clear());
        assertThat(PacketReflector.turnAround(ipv6.limit(AT + 39), AT)).as("not even an IPv6 header").isFalse();

        ByteBuffer runt = ByteBuffer.allocate(AT + 19);
        assertThat(PacketReflector.turnAround(runt, AT)).isFalse();
    }

    private static ByteBuffer packet(int protocol, int source, int destination, int payload) {
        ByteBuffer packet = ByteBuffer.allocate(AT + 20 + payload);
        packet.put(AT, (byte) 0x45).putShort(AT + 2, (short) (20 + payload)).put(AT + 8, (byte) 64)
                .put(AT + 9, (byte) protocol).putInt(AT + 12, source).putInt(AT + 16, destination);
        packet.putShort(AT + 10, checksum(packet, AT, 20));
        return packet;
    }

    private static short checksum(ByteBuffer packet, int at, int length) {
        return (short) ~sum(packet, at, length);
    }

    /** The folded one's complement sum of the 16-bit words. */
    private static int sum(ByteBuffer packet, int at, int length) {
        int sum = 0;
        for (int i = 0; i < length; i += 2) {
            sum += packet.getShort(at + i) & 0xFFFF;
        }
        return fold(sum);
    }

    private static int fold(int sum) {
        while (sum >>> 16 != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return sum;
    }
}
