package io.github.tunnelgw.core.edge;

import io.github.tunnelgw.core.dataplane.DownlinkPath;
import io.github.tunnelgw.core.dataplane.NetworkEdge;
import io.github.tunnelgw.core.dataplane.PacketEgress;
import io.github.tunnelgw.core.net.Ipv4Address;
import io.github.tunnelgw.core.net.Ipv4Cidr;
import io.github.tunnelgw.tun.IpForwarding;
import io.github.tunnelgw.tun.LinkConfigurator;
import io.github.tunnelgw.tun.NatTable;
import io.github.tunnelgw.tun.TunDevice;
import io.netty.channel.IoEventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Optional;

/**
 * The tun device, its link setup, IP forwarding and the PAT table, opened in that order and closed in reverse. Its
 * queues are read and written by a {@link QueueEdge}.
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
    private final QueueEdge queues;
    private NatTable nat;
    private String natInterface;

    private TunEdge(Settings settings, TunDevice device) {
        this.settings = settings;
        this.device = device;
        this.queues = new QueueEdge(device.queues(), settings.mtu(), device.name());
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
        return queues.egress();
    }

    @Override
    public void start(DownlinkPath downlink, IoEventLoop loop) throws IOException {
        queues.start(downlink, loop);
    }

    @Override
    public String describe() {
        int count = queues.queueCount();
        return "tun " + device.name() + " (" + count + " queue" + (count == 1 ? "" : "s") + ", mtu " + settings.mtu()
                + ")" + (nat == null ? ", no NAT" : ", PAT out of " + natInterface);
    }

    public String deviceName() {
        return device.name();
    }

    @Override
    public void close() {
        queues.close();
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
