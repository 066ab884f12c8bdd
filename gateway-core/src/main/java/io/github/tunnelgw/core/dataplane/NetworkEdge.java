package io.github.tunnelgw.core.dataplane;

/**
 * The OS side of the data plane: where uplink packets leave and downlink packets come from. The gateway's is
 * the tun device with PAT; tests may plug in their own.
 */
public interface NetworkEdge extends AutoCloseable {
    PacketEgress egress();

    /** Starts delivering packets from the internal network to {@code downlink}. */
    void start(DownlinkPath downlink);

    /** Human-readable summary for the start-up log line. */
    String describe();

    @Override
    void close();
}
