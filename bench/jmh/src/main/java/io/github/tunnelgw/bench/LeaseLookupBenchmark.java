package io.github.tunnelgw.bench;

import io.github.tunnelgw.core.dataplane.ChannelSwitch;
import io.github.tunnelgw.core.dataplane.ClientRoute;
import io.github.tunnelgw.core.dataplane.RouteTable;
import io.github.tunnelgw.core.net.Ipv4Cidr;
import io.github.tunnelgw.core.session.EndReason;
import io.github.tunnelgw.core.session.LeasePool;
import io.github.tunnelgw.core.session.SessionRegistry;
import io.github.tunnelgw.core.session.TunnelConnection;
import io.netty.buffer.ByteBuf;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The downlink's lookup of a client by its leased IPv4 address: {@link RouteTable#lookup} (pool index, then one
 * acquire read of the slot), with {@code leases} sessions attached through {@link SessionRegistry#attach} in a /16
 * pool. The addresses looked up are drawn at random among the leased ones beforehand (a fixed sequence of 64 Ki), so
 * with many leases the slots touched are spread over the table as with real traffic.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms64m", "-Xmx512m"}) // as bin/gateway and bench/compare.sh
public class LeaseLookupBenchmark {
    private static final int PROBES = 1 << 16;

    @Param({"1", "1000", "10000"})
    public int leases;

    private RouteTable routes;
    private final int[] probes = new int[PROBES];
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        LeasePool pool = new LeasePool(Ipv4Cidr.parse("10.96.0.0/16"));
        routes = new RouteTable(pool.capacity(), pool::indexOf);
        SessionRegistry registry = Fixtures.registry(pool, routes);
        int[] leased = new int[leases];
        for (int i = 0; i < leases; i++) {
            leased[i] = registry.attach(registry.open(Fixtures.principal("user" + i)), new IdleConnection(), 0);
        }
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < PROBES; i++) {
            probes[i] = leased[random.nextInt(leases)];
        }
        for (int address : leased) {
            if (routes.lookup(address) == null) {
                throw new IllegalStateException("a leased address has no route");
            }
        }
    }

    @Benchmark
    public ClientRoute lookup() {
        return routes.lookup(probes[next++ & (PROBES - 1)]);
    }

    /** A connection that is only registered, never used: what the table holds per client. */
    private static final class IdleConnection implements TunnelConnection {
        private final ChannelSwitch route = new ChannelSwitch(ByteBuf::release);

        @Override
        public ClientRoute route() {
            return route;
        }

        @Override
        public void disconnect(EndReason reason) {
        }

        @Override
        public void close() {
        }
    }
}
