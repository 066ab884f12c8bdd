package io.github.tunnelgw.core.session;

import io.github.tunnelgw.auth.Principal;

/**
 * One logged-in client: created at login, keeps its lease across reconnects, ends at logout, timeout or expiry.
 * Mutable state is guarded by the {@link SessionRegistry}; the activity stamps are written by the packet path.
 */
public final class Session {
    private final String cookie;
    private final Principal principal;
    private final long createdAtNanos;

    private int leasedAddress;
    private TunnelConnection connection;
    private long detachedAtNanos;
    private boolean ended;

    /*
     * Activity is flagged by the packet path and turned into a time by the connection's liveness tick: a flag costs
     * a packet one load (the store happens once per tick), where a time stamp cost a clock read and a volatile store
     * per packet. The times are those of the ticks that found activity, so a timeout measured from them can fire
     * up to one tick late, never early. Several ticks at once (a reconnect overlapping the old connection's last
     * tick) only race to store nearly the same time.
     */
    /** A CSTP frame arrived since the last tick (liveness for DPD). */
    private volatile boolean receivedSinceTick;
    /** Tunnel data moved in either direction since the last tick (idle timeout). */
    private volatile boolean dataSinceTick;
    private volatile long lastReceiveNanos;
    private volatile long lastDataNanos;

    Session(String cookie, Principal principal, long nowNanos) {
        this.cookie = cookie;
        this.principal = principal;
        this.createdAtNanos = nowNanos;
        this.detachedAtNanos = nowNanos;
        this.lastReceiveNanos = nowNanos;
        this.lastDataNanos = nowNanos;
    }

    public String cookie() {
        return cookie;
    }

    public Principal principal() {
        return principal;
    }

    public String userName() {
        return principal.userName();
    }

    public long createdAtNanos() {
        return createdAtNanos;
    }

    public synchronized int leasedAddress() {
        return leasedAddress;
    }

    public synchronized boolean isConnected() {
        return connection != null;
    }

    public synchronized boolean isEnded() {
        return ended;
    }

    /** A CSTP frame arrived. Packet path: no clock read. */
    public void markReceived() {
        if (!receivedSinceTick) {
            receivedSinceTick = true;
        }
    }

    /** Tunnel data moved, either way. Packet path: no clock read. */
    public void markData() {
        if (!dataSinceTick) {
            dataSinceTick = true;
        }
    }

    /** A new connection counts as both kinds of activity, now. */
    void markAttached(long nowNanos) {
        lastReceiveNanos = nowNanos;
        lastDataNanos = nowNanos;
        receivedSinceTick = false;
        dataSinceTick = false;
    }

    /**
     * For the liveness tick: the time of the last tick that found a CSTP frame since the one before, or of the
     * attach. A frame flagged since the previous call makes it {@code nowNanos}.
     */
    public long lastReceiveNanos(long nowNanos) {
        if (receivedSinceTick) {
            receivedSinceTick = false;
            lastReceiveNanos = nowNanos;
        }
        return lastReceiveNanos;
    }

    /** As {@link #lastReceiveNanos(long)}, for tunnel data in either direction. */
    public long lastDataNanos(long nowNanos) {
        if (dataSinceTick) {
            dataSinceTick = false;
            lastDataNanos = nowNanos;
        }
        return lastDataNanos;
    }

    // State transitions, called by SessionRegistry under this session's monitor.

    void lease(int address) {
        leasedAddress = address;
    }

    TunnelConnection swapConnection(TunnelConnection next) {
        TunnelConnection previous = connection;
        connection = next;
        return previous;
    }

    TunnelConnection connection() {
        return connection;
    }

    void detachedAt(long nowNanos) {
        detachedAtNanos = nowNanos;
    }

    long detachedAtNanos() {
        return detachedAtNanos;
    }

    void markEnded() {
        ended = true;
    }

    @Override
    public String toString() {
        return "Session[user=" + principal.userName() + "]";
    }
}
