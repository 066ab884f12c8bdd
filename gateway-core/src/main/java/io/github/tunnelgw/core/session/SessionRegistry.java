package io.github.tunnelgw.core.session;

import io.github.tunnelgw.auth.Principal;
import io.github.tunnelgw.core.dataplane.RouteTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * All sessions by cookie, their leases and their routes. Lifecycle:
 * login → {@link #open}; CONNECT → {@link #attach} (lease on first attach, kept across reconnects);
 * connection lost → {@link #detach} (cookie stays valid for the cookie timeout); logout/timeouts → {@link #end}.
 */
public final class SessionRegistry {
    private static final Logger log = LoggerFactory.getLogger(SessionRegistry.class);

    private final Map<String, Session> byCookie = new ConcurrentHashMap<>();
    private final LeasePool pool;
    private final RouteTable routes;
    private final SessionCookies cookies;
    private final LongSupplier nanoClock;
    private final long cookieTimeoutNanos;
    private final long sessionTimeoutNanos;

    public SessionRegistry(LeasePool pool, RouteTable routes, SessionCookies cookies, LongSupplier nanoClock,
                           Duration cookieTimeout, Optional<Duration> sessionTimeout) {
        this.pool = pool;
        this.routes = routes;
        this.cookies = cookies;
        this.nanoClock = nanoClock;
        this.cookieTimeoutNanos = cookieTimeout.toNanos();
        this.sessionTimeoutNanos = sessionTimeout.map(Duration::toNanos).orElse(Long.MAX_VALUE);
    }

    public Session open(Principal principal) {
        Session session = new Session(cookies.next(), principal, nanoClock.getAsLong());
        byCookie.put(session.cookie(), session);
        return session;
    }

    public Optional<Session> find(String cookie) {
        if (!SessionCookies.isWellFormed(cookie)) {
            return Optional.empty();
        }
        return Optional.ofNullable(byCookie.get(cookie));
    }

    /**
     * Makes {@code connection} the session's live connection. The first attach leases an address (the client's
     * previous one when it asks for it and it is free); later attaches keep the lease so a reconnect gets
     * byte-identical addresses. A connection that is replaced is closed here.
     *
     * @return the leased address
     */
    public int attach(Session session, TunnelConnection connection, int requestedAddress)
            throws PoolExhaustedException, SessionEndedException {
        TunnelConnection replaced;
        int address;
        synchronized (session) {
            if (session.isEnded()) {
                throw new SessionEndedException();
            }
            address = session.leasedAddress();
            if (address == 0) {
                address = requestedAddress != 0 && pool.acquireSpecific(requestedAddress) ? requestedAddress : pool.acquire();
                session.lease(address);
            }
            replaced = session.swapConnection(connection);
            routes.register(address, connection.route());
            session.markAttached(nanoClock.getAsLong());
        }
        if (replaced != null && replaced != connection) {
            log.info("session of {}: new connection replaces the previous one", session.userName());
            replaced.close();
        }
        return address;
    }

    /** The connection went away without a logout; the session and its lease wait for a reconnect. */
    public void detach(Session session, TunnelConnection connection) {
        synchronized (session) {
            if (session.connection() != connection) {
                return;
            }
            session.swapConnection(null);
            routes.unregister(session.leasedAddress(), connection.route());
            session.detachedAt(nanoClock.getAsLong());
        }
    }

    /** Ends the session: the cookie is invalid at once, the lease goes back to the pool, the client is told. */
    public void end(Session session, EndReason reason) {
        TunnelConnection connection;
        synchronized (session) {
            if (session.isEnded()) {
                return;
            }
            session.markEnded();
            byCookie.remove(session.cookie(), session);
            connection = session.swapConnection(null);
            int address = session.leasedAddress();
            if (address != 0) {
                if (connection != null) {
                    routes.unregister(address, connection.route());
                }
                pool.release(address);
                session.lease(0);
            }
        }
        log.info("session of {} ended: {}", session.userName(), reason.name().toLowerCase().replace('_', ' '));
        if (connection != null) {
            connection.disconnect(reason);
        }
    }

    /** Ends sessions whose cookie or lifetime ran out; called periodically. */
    public void expire() {
        long now = nanoClock.getAsLong();
        List<Session> expired = new ArrayList<>();
        List<Session> timedOut = new ArrayList<>();
        for (Session session : byCookie.values()) {
            synchronized (session) {
                if (now - session.createdAtNanos() >= sessionTimeoutNanos) {
                    timedOut.add(session);
                } else if (!session.isConnected() && now - session.detachedAtNanos() >= cookieTimeoutNanos) {
                    expired.add(session);
                }
            }
        }
        timedOut.forEach(s -> end(s, EndReason.SESSION_TIMEOUT));
        expired.forEach(s -> end(s, EndReason.COOKIE_EXPIRED));
    }

    public void endAll(EndReason reason) {
        List.copyOf(byCookie.values()).forEach(s -> end(s, reason));
    }

    public int sessionCount() {
        return byCookie.size();
    }

    public int connectedCount() {
        int connected = 0;
        for (Session session : byCookie.values()) {
            if (session.isConnected()) {
                connected++;
            }
        }
        return connected;
    }

    public int leasesInUse() {
        return pool.inUse();
    }
}
