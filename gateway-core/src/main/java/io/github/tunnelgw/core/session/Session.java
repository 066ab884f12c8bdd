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

    /** Last time any CSTP frame arrived (liveness for DPD). Racy writes from one thread at a time are fine. */
    private volatile long lastReceiveNanos;
    /** Last time tunnel data moved in either direction (idle timeout). */
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

    public void markReceived(long nowNanos) {
        lastReceiveNanos = nowNanos;
    }

    public void markData(long nowNanos) {
        lastDataNanos = nowNanos;
    }

    public long lastReceiveNanos() {
        return lastReceiveNanos;
    }

    public long lastDataNanos() {
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
