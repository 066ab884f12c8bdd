package io.github.tunnelgw.tun;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What "the current network namespace" means for a thread that called setns(2): its child processes, /proc/sys and
 * /proc/thread-self/net follow the thread, so the gateway's helpers work on the namespace they run in.
 */
@Timeout(60)
class NamespaceScopeTest {
    TestNamespace ns;

    @BeforeAll
    static void requiresRoot() {
        TestNamespace.assumeKernelTestsEnabled();
    }

    @BeforeEach
    void createNamespace() throws Exception {
        ns = new TestNamespace();
    }

    @AfterEach
    void deleteNamespace() throws Exception {
        ns.close();
    }

    @Test
    void childProcessesStartedFromTheNamespaceThreadLiveInTheNamespace() throws Exception {
        assertThat(ns.exec(List.of("ip", "netns", "identify")).strip()).isEqualTo(ns.name);
        assertThat(TestNamespace.run(List.of("ip", "netns", "identify"))).doesNotContain(ns.name);
        String inside = ns.exec(List.of("readlink", "/proc/self/ns/net")).strip();
        String outside = TestNamespace.run(List.of("readlink", "/proc/self/ns/net")).strip();
        assertThat(inside).startsWith("net:[").isNotEqualTo(outside);
        String thread = ns.inside(() -> Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString());
        assertThat(thread).isEqualTo(inside);
    }

    @Test
    void ipForwardingIsReadAndSetInTheThreadsNamespace() throws Exception {
        boolean hostBefore = IpForwarding.isEnabled();
        TestNamespace.run(List.of("ip", "netns", "exec", ns.name, "sysctl", "-q", "-w", "net.ipv4.ip_forward=0"));
        ns.inside(() -> {
            assertThat(IpForwarding.isEnabled()).isFalse();
            IpForwarding.enable();
            assertThat(IpForwarding.isEnabled()).isTrue();
            return null;
        });
        assertThat(TestNamespace.run(List.of("ip", "netns", "exec", ns.name, "sysctl", "-n", "net.ipv4.ip_forward")).strip())
                .isEqualTo("1");
        assertThat(IpForwarding.isEnabled()).as("host value unchanged").isEqualTo(hostBefore);
    }

    @Test
    void defaultRouteInterfaceIsTheOneOfTheThreadsNamespace() throws Exception {
        var host = NatTable.defaultRouteInterface();
        assertThat(ns.inside(NatTable::defaultRouteInterface)).as("a new namespace has no default route").isEmpty();
        String tunName = ns.inside(() -> {
            try (TunDevice tun = TunDevice.open("tgwr%d", 1)) {
                LinkConfigurator.configure(tun.name(), (Inet4Address) InetAddress.getByName("10.98.0.1"), 24, 1400);
                TestNamespace.run(List.of("ip", "route", "add", "default", "via", "10.98.0.2", "dev", tun.name()));
                assertThat(NatTable.defaultRouteInterface()).contains(tun.name());
                return tun.name();
            }
        });
        assertThat(NatTable.defaultRouteInterface()).as("the host's table, read from the test thread")
                .isEqualTo(host).isNotEqualTo(java.util.Optional.of(tunName));
    }

    @Test
    void threadsStartedFromTheNamespaceThreadAreInTheNamespaceToo() throws Exception {
        String outside = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
        String[] started = new String[1];
        String creator = ns.inside(() -> {
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    started[0] = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
                } catch (java.io.IOException e) {
                    started[0] = e.toString();
                }
            });
            t.join();
            return Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
        });
        assertThat(creator).isNotEqualTo(outside);
        assertThat(started[0]).as("a TunReader started there reads in the same namespace").isEqualTo(creator);
    }
}
