package io.github.tunnelgw.core.session;

import io.github.tunnelgw.auth.Principal;
import io.github.tunnelgw.core.dataplane.ClientRoute;
import io.github.tunnelgw.core.dataplane.RouteTable;
import io.github.tunnelgw.core.net.Ipv4Address;
import io.github.tunnelgw.core.net.Ipv4Cidr;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SessionRegistryTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final LeasePool pool = new LeasePool(Ipv4Cidr.parse("10.250.0.0/29"));
    private final RouteTable routes = new RouteTable(pool.capacity(), pool::indexOf);
    private final SessionRegistry registry = new SessionRegistry(pool, routes, new SessionCookies(new SecureRandom()),
            now::get, Duration.ofSeconds(300), Optional.of(Duration.ofHours(24)));

    static Principal principal(String user) {
        return new Principal(user, user, Optional.empty(), Optional.empty(), Optional.empty(), List.of(), List.of(),
                Instant.now().plusSeconds(3600));
    }

    static final class FakeConnection implements TunnelConnection, ClientRoute {
        final List<EndReason> disconnects = new ArrayList<>();
        boolean closed;

        @Override
        public ClientRoute route() {
            return this;
        }

        @Override
        public void disconnect(EndReason reason) {
            disconnects.add(reason);
        }

        @Override
        public void close() {
            closed = true;
        }

        @Override
        public void deliver(ByteBuf packet) {
            packet.release();
        }
    }

    @Test
    void cookiesCarry256BitsAndAreFoundAgain() {
        Session session = registry.open(principal("alice"));
        assertThat(session.cookie()).hasSize(43).matches("[A-Za-z0-9_-]{43}");
        assertThat(registry.find(session.cookie())).containsSame(session);
        assertThat(registry.find("garbage")).isEmpty();
        assertThat(registry.find(null)).isEmpty();
    }

    @Test
    void reconnectKeepsTheLeaseAndReplacesTheOldConnection() throws Exception {
        Session session = registry.open(principal("alice"));
        FakeConnection first = new FakeConnection();
        int address = registry.attach(session, first, 0);
        assertThat(routes.lookup(address)).isSameAs(first);
        FakeConnection second = new FakeConnection();
        assertThat(registry.attach(session, second, 0)).isEqualTo(address);
        assertThat(first.closed).isTrue();
        assertThat(routes.lookup(address)).isSameAs(second);
        registry.detach(session, first);
        assertThat(routes.lookup(address)).isSameAs(second);
        assertThat(pool.inUse()).isEqualTo(1);
    }

    @Test
    void detachedSessionWaitsForTheCookieTimeoutThenFreesItsLease() throws Exception {
        Session session = registry.open(principal("alice"));
        FakeConnection connection = new FakeConnection();
        int address = registry.attach(session, connection, 0);
        registry.detach(session, connection);
        assertThat(routes.lookup(address)).isNull();
        now.addAndGet(Duration.ofSeconds(299).toNanos());
        registry.expire();
        assertThat(registry.find(session.cookie())).isPresent();
        assertThat(registry.attach(session, new FakeConnection(), 0)).isEqualTo(address);
        registry.detach(session, session.connection());
        now.addAndGet(Duration.ofSeconds(301).toNanos());
        registry.expire();
        assertThat(registry.find(session.cookie())).isEmpty();
        assertThat(pool.inUse()).isZero();
    }

    @Test
    void logoutInvalidatesTheCookieAtOnceAndTellsTheClient() throws Exception {
        Session session = registry.open(principal("alice"));
        FakeConnection connection = new FakeConnection();
        registry.attach(session, connection, 0);
        registry.end(session, EndReason.LOGOUT);
        assertThat(registry.find(session.cookie())).isEmpty();
        assertThat(connection.disconnects).containsExactly(EndReason.LOGOUT);
        assertThat(pool.inUse()).isZero();
        assertThatThrownBy(() -> registry.attach(session, new FakeConnection(), 0)).isInstanceOf(SessionEndedException.class);
    }

    @Test
    void sessionTimeoutEndsEvenAConnectedSession() throws Exception {
        Session session = registry.open(principal("alice"));
        FakeConnection connection = new FakeConnection();
        registry.attach(session, connection, 0);
        now.addAndGet(Duration.ofHours(24).toNanos());
        registry.expire();
        assertThat(connection.disconnects).containsExactly(EndReason.SESSION_TIMEOUT);
        assertThat(registry.sessionCount()).isZero();
    }

    @Test
    void exhaustedPoolRefusesTheNewcomerOnlyAndRecoversWhenASessionEnds() throws Exception {
        List<Session> sessions = new ArrayList<>();
        for (int i = 0; i < pool.capacity(); i++) {
            Session s = registry.open(principal("user" + i));
            registry.attach(s, new FakeConnection(), 0);
            sessions.add(s);
        }
        Session late = registry.open(principal("late"));
        assertThatThrownBy(() -> registry.attach(late, new FakeConnection(), 0))
                .isInstanceOf(PoolExhaustedException.class).hasMessageContaining("exhausted");
        assertThat(registry.connectedCount()).isEqualTo(pool.capacity());
        registry.end(sessions.get(0), EndReason.LOGOUT);
        assertThat(registry.attach(late, new FakeConnection(), 0)).isNotZero();
    }

    @Test
    void reconnectingClientGetsItsPreviousAddressWhenTheSessionHadNone() throws Exception {
        Session session = registry.open(principal("alice"));
        int wanted = Ipv4Address.parse("10.250.0.5");
        assertThat(registry.attach(session, new FakeConnection(), wanted)).isEqualTo(wanted);
    }
}
