package io.github.tunnelgw.core.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class PacketCaptureTest {

    @Test
    void readsUdpDatagramsAndSkipsOtherFrames() {
        byte[] pcap = pcap(ByteOrder.LITTLE_ENDIAN,
                ethernetIpv4(17, udp(40000, 443, new byte[]{22, 1, 2})),
                ethernetIpv4(6, new byte[20]),
                ethernetIpv4(17, udp(443, 40000, new byte[0])));
        List<PacketCapture.UdpDatagram> datagrams = PacketCapture.udpDatagrams(pcap);
        assertThat(datagrams).hasSize(2);
        PacketCapture.UdpDatagram first = datagrams.get(0);
        assertThat(first.source()).isEqualTo("10.200.7.2");
        assertThat(first.destination()).isEqualTo("10.200.7.1");
        assertThat(first.sourcePort()).isEqualTo(40000);
        assertThat(first.destinationPort()).isEqualTo(443);
        assertThat(first.payload()).containsExactly(22, 1, 2);
        assertThat(datagrams.get(1).payload()).isEmpty();
    }

    @Test
    void readsEitherByteOrderAndIgnoresARecordCutShort() {
        byte[] pcap = pcap(ByteOrder.BIG_ENDIAN, ethernetIpv4(17, udp(1, 2, new byte[]{9})));
        byte[] cut = new byte[pcap.length + 20];
        System.arraycopy(pcap, 0, cut, 0, pcap.length);
        ByteBuffer.wrap(cut, pcap.length, 16).order(ByteOrder.BIG_ENDIAN).putInt(0).putInt(0).putInt(100).putInt(100);
        assertThat(PacketCapture.udpDatagrams(cut)).singleElement()
                .satisfies(d -> assertThat(d.payload()).containsExactly(9));
    }

    @Test
    void refusesWhatIsNotAPcapOfEthernetFrames() {
        assertThatThrownBy(() -> PacketCapture.udpDatagrams(new byte[24])).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] pcap(ByteOrder order, byte[]... frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(24).order(order).putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4)
                .putInt(0).putInt(0).putInt(262144).putInt(1).array());
        for (byte[] frame : frames) {
            out.writeBytes(ByteBuffer.allocate(16).order(order).putInt(1).putInt(2).putInt(frame.length)
                    .putInt(frame.length).array());
            out.writeBytes(frame);
        }
        return out.toByteArray();
    }

    private static byte[] ethernetIpv4(int protocol, byte[] payload) {
        ByteBuffer frame = ByteBuffer.allocate(14 + 20 + payload.length);
        frame.put(new byte[12]).putShort((short) 0x0800);
        frame.put((byte) 0x45).put((byte) 0).putShort((short) (20 + payload.length)).putInt(0)
                .put((byte) 64).put((byte) protocol).putShort((short) 0)
                .put(new byte[]{10, (byte) 200, 7, 2}).put(new byte[]{10, (byte) 200, 7, 1});
        return frame.put(payload).array();
    }

    private static byte[] udp(int sourcePort, int destinationPort, byte[] payload) {
        return ByteBuffer.allocate(8 + payload.length).putShort((short) sourcePort).putShort((short) destinationPort)
                .putShort((short) (8 + payload.length)).putShort((short) 0).put(payload).array();
    }
}
