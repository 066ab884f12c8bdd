package io.github.tunnelgw.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpLiteralTest {

    @Test
    void parsesBothFamiliesWithoutLookups() {
        assertThat(IpLiteral.parse("10.0.0.1")).isInstanceOf(Inet4Address.class);
        assertThat(IpLiteral.parse("fd00::53")).isInstanceOf(Inet6Address.class);
        assertThat(IpLiteral.format(IpLiteral.parse("FD00:0:0:0:0:0:0:53"))).isEqualTo("fd00::53");
        assertThat(IpLiteral.format(IpLiteral.parse("0.0.0.0"))).isEqualTo("0.0.0.0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "example.com", "10.0.0", "", "[::1]", "fe80::1%eth0", "::ffff:10.0.0.1", "1::2::3", "10.0.0.1 "})
    void refusesHostNamesAndOddForms(String bad) {
        assertThatThrownBy(() -> IpLiteral.parse(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not an I");
    }

    @Test
    void mappedAddressSuggestsTheIpv4Form() {
        assertThatThrownBy(() -> IpLiteral.parse("::ffff:10.0.0.1")).hasMessageContaining("write it as 10.0.0.1");
    }

    @Test
    void socketAddresses() {
        InetSocketAddress v4 = IpLiteral.parseSocketAddress("127.0.0.1:9410");
        assertThat(v4.getAddress()).isEqualTo(IpLiteral.parse("127.0.0.1"));
        assertThat(v4.getPort()).isEqualTo(9410);
        InetSocketAddress v6 = IpLiteral.parseSocketAddress("[::1]:9410");
        assertThat(v6.getAddress()).isEqualTo(IpLiteral.parse("::1"));
        assertThat(v6.isUnresolved()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536", "::1:9410", "[::1]9410",
        "localhost:9410", "127.0.0.1:+80", "[127.0.0.1]:80"})
    void refusesBadSocketAddresses(String bad) {
        assertThatThrownBy(() -> IpLiteral.parseSocketAddress(bad)).isInstanceOf(IllegalArgumentException.class);
    }
}
