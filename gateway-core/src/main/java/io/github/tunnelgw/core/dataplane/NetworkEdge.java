package io.github.tunnelgw.core.dataplane;

import io.netty.channel.IoEventLoop;

import java.io.IOException;

/**
 * The OS side of the data plane: where uplink packets leave and downlink packets come from. The gateway's is
 * the tun device with PAT; tests may plug in their own.
 */
public interface NetworkEdge extends AutoCloseable {
    PacketEgress egress();

    /**
     * Starts delivering packets from the internal network to {@code downlink}, on {@code loop}: the event loop that
     * also receives the DTLS channel, so a reply to a packet that loop has just forwarded is read without waking
     * another thread.
     */
    void start(DownlinkPath downlink, IoEventLoop loop) throws IOException;

    /** Human-readable summary for the start-up log line. */
    String describe();

    @Override
    void close();
}
