package io.github.tunnelgw.core.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tunnelgw.core.net.Ipv4Address;
import io.github.tunnelgw.core.net.Ipv4Cidr;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class LeasePoolTest {

    private static int ip(String dotted) {
        return Ipv4Address.parse(dotted);
    }

    @Test
    void slash30HasExactlyOneAssignableAddress() throws PoolExhaustedException {
        LeasePool pool = new LeasePool(Ipv4Cidr.parse("10.0.0.0/30"));
        assertThat(pool.capacity()).isEqualTo(1);
        assertThat(pool.gatewayAddress()).isEqualTo(ip("10.0.0.1"));
        assertThat(pool.acquire()).isEqualTo(ip("10.0.0.2"));
        assertThatThrownBy(pool::acquire).isInstanceOf(PoolExhaustedException.class);
    }

    @Test
    void slash29ExhaustsAfterFiveWithAClearMessageAndRecoversOnRelease() throws PoolExhaustedException {
        LeasePool pool = new LeasePool(Ipv4Cidr.parse("10.0.0.8/29"));
        assertThat(pool.capacity()).isEqualTo(5);
        List<Integer> leased = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            leased.add(pool.acquire());
        }
        assertThat(leased).extracting(Ipv4Address::format)
                .containsExactly("10.0.0.10", "10.0.0.11", "10.0.0.12", "10.0.0.13", "10.0.0.14");
        assertThat(pool.inUse()).isEqualTo(5);
        assertThatThrownBy(pool::acquire)
                .isInstanceOf(PoolExhaustedException.class)
                .hasMessage("address pool 10.0.0.8/29 is exhausted (5 addresses in use)");
        pool.release(ip("10.0.0.12"));
        assertThat(pool.inUse()).isEqualTo(4);
        assertThat(pool.acquire()).isEqualTo(ip("10.0.0.12"));
    }

    @Test
    void neverHandsOutNetworkGatewayOrBroadcast() throws PoolExhaustedException {
        Ipv4Cidr network = Ipv4Cidr.parse("192.168.7.0/24");
        LeasePool pool = new LeasePool(network);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < pool.capacity(); i++) {
            int address = pool.acquire();
            assertThat(network.contains(address)).isTrue();
            assertThat(address).isNotIn(network.network(), network.network() + 1, network.broadcast());
            assertThat(seen.add(address)).isTrue();
        }
        assertThat(seen).hasSize(253);
        assertThat(pool.acquireSpecific(network.network())).isFalse();
        assertThat(pool.acquireSpecific(pool.gatewayAddress())).isFalse();
        assertThat(pool.acquireSpecific(network.broadcast())).isFalse();
    }

    @Test
    void roundRobinDoesNotReuseAJustReleasedAddress() throws PoolExhaustedException {
        LeasePool pool = new LeasePool(Ipv4Cidr.parse("10.0.0.0/28"));
        int first = pool.acquire();
        pool.release(first);
        int second = pool.acquire();
        assertThat(second).isNotEqualTo(first).isEqualTo(first + 1);
        pool.release(second);
        // Walks to the end of the range, then wraps to the start.
        int last = 0;
        for (int i = 0; i < pool.capacity() - 2; i++) {
            last = pool.acquire();
            pool.release(last);
        }
        assertThat(last).isEqualTo(ip("10.0.0.14"));
        assertThat(pool.acquire()).isEqualTo(ip("10.0.0.2"));
    }

    @Test
    void acquireSpecific() throws PoolExhaustedException {
        LeasePool pool = new LeasePool(Ipv4Cidr.parse("10.0.0.0/24"));
        assertThat(pool.acquireSpecific(ip("10.0.0.77"))).isTrue();
        assertThat(pool.acquireSpecific(ip("10.0.0.77"))).isFalse();
        assertThat(pool.acquireSpecific(ip("10.0.1.77"))).isFalse();
        assertThat(pool.acquireSpecific(ip("9.255.255.255"))).isFalse();
        assertThat(pool.inUse()).isEqualTo(1);
        // Round-robin acquisition skips the specifically leased address.
        for (int i = 0; i < pool.capacity() - 1; i++) {
            assertThat(pool.acquire()).isNotEqualTo(ip("10.0.0.77"));
        }
        assertThatThrownBy(pool::acquire).isInstanceOf(PoolExhaustedException.class);
        pool.release(ip("10.0.0.77"));
        assertThat(pool.acquireSpecific(ip("10.0.0.77"))).isTrue();
    }

    @Test
    void releasingWhatIsNotLeasedIsABug() throws PoolExhaustedException {
        LeasePool pool = new LeasePool(Ipv4Cidr.parse("10.0.0.0/24"));
        assertThatThrownBy(() -> pool.release(ip("10.0.0.5")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("10.0.0.5").hasMessageContaining("not leased");
        int address = pool.acquire();
        pool.release(address);
        assertThatThrownBy(() -> pool.release(address)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> pool.release(ip("10.0.0.1"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not an assignable address");
        assertThatThrownBy(() -> pool.release(ip("10.0.0.255"))).isInstanceOf(IllegalStateException.class);
        assertThat(pool.inUse()).isZero();
    }

    @Test
    void indexOfIsTheOffsetFromTheFirstAssignableAddress() {
        LeasePool pool = new LeasePool(Ipv4Cidr.parse("10.0.0.0/24"));
        assertThat(pool.indexOf(ip("10.0.0.2"))).isZero();
        assertThat(pool.indexOf(ip("10.0.0.254"))).isEqualTo(252);
        assertThat(pool.indexOf(ip("10.0.0.0"))).isEqualTo(-1);
        assertThat(pool.indexOf(ip("10.0.0.1"))).isEqualTo(-1);
        assertThat(pool.indexOf(ip("10.0.0.255"))).isEqualTo(-1);
        assertThat(pool.indexOf(ip("10.0.1.2"))).isEqualTo(-1);
        assertThat(pool.indexOf(ip("9.0.0.2"))).isEqualTo(-1);
        assertThat(pool.addressAt(252)).isEqualTo(ip("10.0.0.254"));
    }

    @Test
    void highAddressesWorkWithSignedInts() throws PoolExhaustedException {
        // 200.x has the sign bit set as an int; offsets must still compare correctly.
        LeasePool pool = new LeasePool(Ipv4Cidr.parse("200.1.0.0/16"));
        assertThat(pool.capacity()).isEqualTo(65533);
        assertThat(pool.acquire()).isEqualTo(ip("200.1.0.2"));
        assertThat(pool.indexOf(ip("200.1.255.254"))).isEqualTo(65532);
        assertThat(pool.indexOf(ip("200.2.0.0"))).isEqualTo(-1);
        assertThat(pool.indexOf(ip("10.0.0.1"))).isEqualTo(-1);
    }

    @Test
    void refusesRangesItCannotServe() {
        assertThatThrownBy(() -> new LeasePool(Ipv4Cidr.parse("10.0.0.0/31"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LeasePool(Ipv4Cidr.parse("10.0.0.0/32"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LeasePool(Ipv4Cidr.parse("0.0.0.0/0"))).isInstanceOf(IllegalArgumentException.class);
        assertThat(new LeasePool(Ipv4Cidr.parse("10.0.0.0/8")).capacity()).isEqualTo((1 << 24) - 3);
    }

    @Test
    void concurrentLeasesAreUnique() throws InterruptedException {
        LeasePool pool = new LeasePool(Ipv4Cidr.parse("10.0.0.0/19"));
        Set<Integer> leased = ConcurrentHashMap.newKeySet();
        int threads = 4;
        CountDownLatch done = new CountDownLatch(threads);
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            for (int t = 0; t < threads; t++) {
                executor.execute(() -> {
                    try {
                        for (int i = 0; i < 2000; i++) {
                            int address = pool.acquire();
                            assertThat(leased.add(address)).isTrue();
                            if (i % 2 == 0) {
                                leased.remove(address);
                                pool.release(address);
                            }
                        }
                    } catch (PoolExhaustedException e) {
                        throw new AssertionError(e);
                    } finally {
                        done.countDown();
                    }
                });
            }
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            executor.shutdownNow();
        }
        assertThat(pool.inUse()).isEqualTo(leased.size()).isEqualTo(threads * 1000);
    }

    // ---- property: any sequence of operations keeps the books straight -------------------------

    sealed interface Op permits Acquire, AcquireSpecific, Release {
    }

    record Acquire() implements Op {
    }

    record AcquireSpecific(int offset) implements Op {
    }

    record Release(int pick) implements Op {
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Op> op = Arbitraries.oneOf(
                Arbitraries.just(new Acquire()),
                Arbitraries.integers().between(-3, 20).map(AcquireSpecific::new),
                Arbitraries.integers().between(0, 1000).map(Release::new));
        return op.list().ofMaxSize(200);
    }

    @Property(tries = 300)
    void operationSequencesStayConsistent(@ForAll("operations") List<Op> ops,
                                          @ForAll @IntRange(min = 27, max = 30) int prefix) {
        Ipv4Cidr network = new Ipv4Cidr(Ipv4Address.parse("172.16.5.0") & (-1 << (32 - prefix)), prefix);
        LeasePool pool = new LeasePool(network);
        List<Integer> model = new ArrayList<>();
        for (Op op : ops) {
            switch (op) {
                case Acquire a -> {
                    try {
                        int address = pool.acquire();
                        assertThat(model).doesNotContain(address);
                        assertThat(pool.indexOf(address)).isBetween(0, pool.capacity() - 1);
                        model.add(address);
                    } catch (PoolExhaustedException e) {
                        assertThat(model).hasSize(pool.capacity());
                    }
                }
                case AcquireSpecific s -> {
                    int address = network.network() + s.offset();
                    boolean expected = pool.indexOf(address) >= 0 && !model.contains(address);
                    assertThat(pool.acquireSpecific(address)).isEqualTo(expected);
                    if (expected) {
                        model.add(address);
                    }
                }
                case Release r -> {
                    if (!model.isEmpty()) {
                        pool.release(model.remove(r.pick() % model.size()));
                    }
                }
            }
            assertThat(pool.inUse()).isEqualTo(model.size());
        }
        for (int address : model) {
            assertThat(address).isNotIn(network.network(), pool.gatewayAddress(), network.broadcast());
            assertThat(network.contains(address)).isTrue();
        }
    }
}
