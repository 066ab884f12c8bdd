package io.github.tunnelgw.core.edge;

import io.github.tunnelgw.core.dataplane.DataPlane;
import io.github.tunnelgw.core.dataplane.DownlinkPath;
import io.github.tunnelgw.core.dataplane.NetworkEdge;
import io.github.tunnelgw.core.dataplane.PacketEgress;
import io.github.tunnelgw.tun.PacketCoalescer;
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

/**
 * The packet side of an edge: writes to and reads from a set of tun queues, whatever made them. The gateway's
 * {@link TunEdge} wraps one around its device; the data-path warm-up wraps one around a packet pipe, so that both run
 * this same code. Uplink packets go to a queue chosen per client, so one client's packets stay in order; each queue
 * is read on the event loop given at start, feeding the downlink path. Closing stops the readers, not the queues.
 */
public final class QueueEdge implements NetworkEdge {
    private static final Logger log = LoggerFactory.getLogger(QueueEdge.class);

    private final TunQueue[] queues;
    private final int mtu;
    private final String description;
    private final List<TunQueueReader> readers = new ArrayList<>();
    private final FastThreadLocal<PacketCoalescer> coalescers = new FastThreadLocal<>() {
        @Override
        protected PacketCoalescer initialValue() {
            return new PacketCoalescer(queues);
        }
    };

    /** @param mtu the largest packet a queue without offloads reads */
    public QueueEdge(List<TunQueue> queues, int mtu, String description) {
        if (queues.isEmpty()) {
            throw new IllegalArgumentException("an edge needs at least one queue");
        }
        this.queues = queues.toArray(TunQueue[]::new);
        this.mtu = mtu;
        this.description = description;
    }

    @Override
    public PacketEgress egress() {
        return new PacketEgress() {
            @Override
            public boolean write(ByteBuf packet, int queueHint) {
                return QueueEdge.this.write(packet, queueHint);
            }

            @Override
            public PacketEgress batching() {
                return coalescing();
            }
        };
    }

    /**
     * Merges each batch's TCP segments and UDP datagrams (see {@link PacketCoalescer}), with one coalescer per thread:
     * every caller is a channel handler on an event loop that flushes at the end of each read, before that loop
     * serves anything else.
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
                    DataPlane.TAILROOM, mtu, downlink::onTunPacket, downlink.pass());
            readers.add(reader);
            reader.start(loop);
        }
    }

    @Override
    public String describe() {
        return description;
    }

    public int queueCount() {
        return queues.length;
    }

    /** Stops the readers; the queues stay open (their owner closes them). */
    @Override
    public void close() {
        for (TunQueueReader reader : readers) {
            try {
                reader.close();
            } catch (RuntimeException e) {
                // What the owner closes next (device, NAT table) must go whatever happens here.
                log.warn("could not stop {}: {}", reader, e.toString());
            }
        }
    }
}
