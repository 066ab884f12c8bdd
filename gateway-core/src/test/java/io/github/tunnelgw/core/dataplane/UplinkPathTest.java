package io.github.tunnelgw.core.dataplane;

import io.github.tunnelgw.core.net.Ipv4Address;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class UplinkPathTest {
    private final int lease = Ipv4Address.parse("10.250.0.7");
    private final int internal = Ipv4Address.parse("10.201.0.2");
    private final List<ByteBuf> written = new ArrayList<>();
    private final DataPlaneCounters counters = new DataPlaneCounters();
    private final UplinkPath uplink = new UplinkPath((packet, hint) -> written.add(packet.copy()), counters);

    @Test
    void forwardsPacketsFromTheLease() {
        ByteBuf packet = Ipv4Packets.udp(lease, internal, 100);
        uplink.forward(lease, packet, 0);
        assertThat(written).hasSize(1);
        assertThat(written.get(0)).isEqualTo(packet);
        assertThat(counters.uplinkPackets.sum()).isEqualTo(1);
        assertThat(counters.uplinkBytes.sum()).isEqualTo(128);
    }

    @Test
    void dropsAndCountsPacketsFromAnyOtherSource() {
        uplink.forward(lease, Ipv4Packets.udp(Ipv4Address.parse("10.250.0.8"), internal, 10), 0);
        uplink.forward(lease, Ipv4Packets.udp(Ipv4Address.parse("192.168.1.1"), internal, 10), 0);
        assertThat(written).isEmpty();
        assertThat(counters.spoofedDropped.sum()).isEqualTo(2);
    }

    @Test
    void dropsMalformedPackets() {
        ByteBuf truncated = Ipv4Packets.udp(lease, internal, 100);
        truncated.writerIndex(truncated.writerIndex() - 50);
        uplink.forward(lease, truncated, 0);
        uplink.forward(lease, Unpooled.wrappedBuffer(new byte[]{0x45, 0, 0}), 0);
        uplink.forward(lease, Unpooled.EMPTY_BUFFER, 0);
        assertThat(written).isEmpty();
        assertThat(counters.malformedDropped.sum()).isEqualTo(3);
    }

    @Test
    void countsIpv6Separately() {
        ByteBuf v6 = Unpooled.buffer().writeByte(0x60).writeZero(39);
        uplink.forward(lease, v6, 0);
        assertThat(written).isEmpty();
        assertThat(counters.ipv6Dropped.sum()).isEqualTo(1);
    }

    @Test
    void countsEgressRefusals() {
        UplinkPath refusing = new UplinkPath((packet, hint) -> false, counters);
        refusing.forward(lease, Ipv4Packets.udp(lease, internal, 10), 0);
        assertThat(counters.egressDropped.sum()).isEqualTo(1);
        assertThat(counters.uplinkPackets.sum()).isZero();
    }
}
