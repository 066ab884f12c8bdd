package io.github.tunnelgw.core.server;

import io.github.tunnelgw.core.dataplane.DownlinkPath;
import io.github.tunnelgw.core.dataplane.NetworkEdge;
import io.github.tunnelgw.core.dataplane.PacketEgress;
import io.netty.channel.IoEventLoop;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** A network edge for control-channel tests: records uplink packets, lets the test inject downlink packets. */
final class RecordingEdge implements NetworkEdge {
    final BlockingQueue<byte[]> uplink = new LinkedBlockingQueue<>();
    volatile DownlinkPath downlink;

    @Override
    public PacketEgress egress() {
        return (packet, hint) -> {
            byte[] copy = new byte[packet.readableBytes()];
            packet.getBytes(packet.readerIndex(), copy);
            uplink.add(copy);
            return true;
        };
    }

    @Override
    public void start(DownlinkPath downlink, IoEventLoop loop) {
        this.downlink = downlink;
    }

    @Override
    public String describe() {
        return "recording edge";
    }

    @Override
    public void close() {
    }
}
