package io.github.tunnelgw.core.edge;

import io.github.tunnelgw.core.dataplane.DataPlane;
import io.github.tunnelgw.core.dataplane.DownlinkPath;
import io.github.tunnelgw.core.dataplane.NetworkEdge;
import io.github.tunnelgw.core.dataplane.PacketEgress;
import io.github.tunnelgw.core.net.Ipv4Address;
import io.github.tunnelgw.core.net.Ipv4Cidr;
import io.github.tunnelgw.tun.IpForwarding;
import io.github.tunnelgw.tun.LinkConfigurator;
import io.github.tunnelgw.tun.NatTable;
import io.github.tunnelgw.tun.PacketCoalescer;
import io.github.tunnelgw.tun.TunDevice;
import io.github.tunnelgw.tun.TunQueue;
import io.github.tunnelgw.tun.TunQueueReader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.IoEventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The tun device, its link setup, IP forwarding and the PAT table, opened in that order and closed in reverse.
 * Each tun queue is read on the event loop given at start, feeding the downlink path; uplink packets go to a queue
 * chosen per client, so one client's packets stay in order.
 */
public final class TunEdge implements NetworkEdge {
    private static final Logger log = LoggerFactory.getLogger(TunEdge.class);

    /** What the configuration says about the edge. */
    public record Settings(String tunName, int queues, int mtu, Ipv4Cidr network, int gatewayAddress,
                           boolean natEnabled, Optional<String> outInterface, ForwardingMode forwarding, String natTable) {
    }

    public enum ForwardingMode { ENABLE, REQUIRE, IGNORE }

    private final Settings settings;
    private final TunDevice device;
    private final TunQueue[] queues;
    private final List<TunQueueReader> readers = new ArrayList<>();
    private final FastThreadLocal<PacketCoalescer> coalescers = new FastThreadLocal<>() {
        @Override
        protected PacketCoalescer initialValue() {
            return new PacketCoalescer(queues);
        }
    };
    private NatTable nat;
    private String natInterface;

    private TunEdge(Settings settings, TunDevice device) {
        this.settings = settings;
        this.device = device;
        this.queues = device.queues().toArray(TunQueue[]::new);
    }

    public static TunEdge open(Settings settings) throws IOException {
        TunDevice device = TunDevice.open(settings.tunName(), settings.queues());
        TunEdge edge = new TunEdge(settings, device);
        try {
            LinkConfigurator.configure(device.name(), Ipv4Address.toInet(settings.gatewayAddress()),
                    settings.network().prefixLength(), settings.mtu());
            edge.setUpForwarding();
            edge.setUpNat();
            return edge;
        } catch (IOException | RuntimeException e) {
            edge.close();
            throw e;
        }
    }

    private void setUpForwarding() throws IOException {
        switch (settings.forwarding()) {
            case ENABLE -> {
                if (!IpForwarding.isEnabled()) {
                    IpForwarding.enable();
                    log.info("enabled net.ipv4.ip_forward");
                }
            }
            case REQUIRE -> {
                if (!IpForwarding.isEnabled()) {
                    throw new IOException("net.ipv4.ip_forward is 0 and nat.ipForward is 'require': "
                            + "enable it (sysctl -w net.ipv4.ip_forward=1) or set nat.ipForward: enable");
                }
            }
            case IGNORE -> {
            }
        }
    }

    private void setUpNat() throws IOException {
        if (!settings.natEnabled()) {
            return;
        }
        natInterface = settings.outInterface().isPresent() ? settings.outInterface().get()
                : NatTable.defaultRouteInterface().orElseThrow(() -> new IOException(
                        "nat.outInterface is auto but there is no default route; set nat.outInterface"));
        nat = NatTable.install(settings.natTable(), settings.network().toString(), natInterface);
    }

    @Override
    public PacketEgress egress() {
        return new PacketEgress() {
            @Override
            public boolean write(ByteBuf packet, int queueHint) {
                return TunEdge.this.write(packet, queueHint);
            }

            @Override
            public PacketEgress batching() {
                return coalescing();
            }
        };
    }

    /**
     * Merges each batch's TCP segments and UDP datagrams (see {@link PacketCoalescer}), with one coalescer per thread: every caller is a
     * channel handler on an event loop that flushes at the end of each read, before that loop serves anything else.
     */
    private PacketEgress coalescing() {
        return new PacketEgress() {
            @Override
            public boolean write(ByteBuf packet, int queueHint) {
                return coalescers.get().add(packet, queueHint);
            }

            @Override
            public int flush() {
                return coalescers.get().flush();
            }
        };
    }

    private boolean write(ByteBuf packet, int queueHint) {
        return queues[Math.floorMod(queueHint, queues.length)].write(packet);
    }

    @Override
    public void start(DownlinkPath downlink, IoEventLoop loop) throws IOException {
        for (TunQueue queue : queues) {
            TunQueueReader reader = new TunQueueReader(queue, PooledByteBufAllocator.DEFAULT, DataPlane.HEADROOM,
                    settings.mtu(), downlink::onTunPacket, downlink.pass());
            readers.add(reader);
            reader.start(loop);
        }
    }

    @Override
    public String describe() {
        return "tun " + device.name() + " (" + queues.length + " queue" + (queues.length == 1 ? "" : "s") + ", mtu "
                + settings.mtu() + ")" + (nat == null ? ", no NAT" : ", PAT out of " + natInterface);
    }

    public String deviceName() {
        return device.name();
    }

    @Override
    public void close() {
        for (TunQueueReader reader : readers) {
            try {
                reader.close();
            } catch (RuntimeException e) {
                // The NAT table and the tun device below outlive the process; they are removed whatever happens here.
                log.warn("could not stop {}: {}", reader, e.toString());
            }
        }
        if (nat != null) {
            try {
                nat.close();
            } catch (Exception e) {
                log.warn("could not remove nftables table {}: {}", settings.natTable(), e.getMessage());
            }
        }
        try {
            device.close();
        } catch (Exception e) {
            log.warn("could not close tun device {}: {}", device.name(), e.getMessage());
        }
    }
}
