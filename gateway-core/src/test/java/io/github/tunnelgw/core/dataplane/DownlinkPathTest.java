package io.github.tunnelgw.core.dataplane;

import io.github.tunnelgw.core.net.Ipv4Address;
import io.github.tunnelgw.core.net.Ipv4Cidr;
import io.github.tunnelgw.core.session.LeasePool;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DownlinkPathTest {
    private final LeasePool pool = new LeasePool(Ipv4Cidr.parse("10.250.0.0/24"));
    private final RouteTable routes = new RouteTable(pool.capacity(), pool::indexOf);
    private final DataPlaneCounters counters = new DataPlaneCounters();
    private final DownlinkPath downlink = new DownlinkPath(routes, counters);
    private final int internal = Ipv4Address.parse("10.201.0.2");

    @Test
    void deliversToTheRouteOfTheDestination() {
        int a = Ipv4Address.parse("10.250.0.7");
        int b = Ipv4Address.parse("10.250.0.8");
        List<ByteBuf> toA = new ArrayList<>();
        List<ByteBuf> toB = new ArrayList<>();
        routes.register(a, toA::add);
        routes.register(b, toB::add);
        downlink.onTunPacket(Ipv4Packets.udp(internal, a, 10, DataPlane.HEADROOM));
        downlink.onTunPacket(Ipv4Packets.udp(internal, b, 10, DataPlane.HEADROOM));
        downlink.onTunPacket(Ipv4Packets.udp(internal, b, 10, DataPlane.HEADROOM));
        assertThat(toA).hasSize(1);
        assertThat(toB).hasSize(2);
        assertThat(counters.downlinkPackets.sum()).isEqualTo(3);
    }

    @Test
    void dropsAndReleasesPacketsWithoutARoute() {
        ByteBuf packet = Ipv4Packets.udp(internal, Ipv4Address.parse("10.250.0.9"), 10, DataPlane.HEADROOM);
        downlink.onTunPacket(packet);
        ByteBuf outside = Ipv4Packets.udp(internal, Ipv4Address.parse("8.8.8.8"), 10, DataPlane.HEADROOM);
        downlink.onTunPacket(outside);
        assertThat(packet.refCnt()).isZero();
        assertThat(outside.refCnt()).isZero();
        assertThat(counters.noRouteDropped.sum()).isEqualTo(2);
    }

    @Test
    void replacedRouteIsNotEvictedByItsPredecessor() {
        int a = Ipv4Address.parse("10.250.0.7");
        List<ByteBuf> oldRoute = new ArrayList<>();
        List<ByteBuf> newRoute = new ArrayList<>();
        ClientRoute first = oldRoute::add;
        ClientRoute second = newRoute::add;
        routes.register(a, first);
        routes.register(a, second);
        routes.unregister(a, first);
        downlink.onTunPacket(Ipv4Packets.udp(internal, a, 10, DataPlane.HEADROOM));
        assertThat(oldRoute).isEmpty();
        assertThat(newRoute).hasSize(1);
    }
}
