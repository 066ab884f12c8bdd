package io.github.tunnelgw.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv6CidrTest {

    @Test
    void parsesAndPrintsCompressedForm() {
        assertThat(Ipv6Cidr.parse("fd00:1234::/32")).hasToString("fd00:1234::/32");
        assertThat(Ipv6Cidr.parse("FD00:1234:0:0:0:0:0:0/32")).hasToString("fd00:1234::/32");
        assertThat(Ipv6Cidr.parse("::/0")).hasToString("::/0");
        assertThat(Ipv6Cidr.parse("2001:db8:0:1::/64")).hasToString("2001:db8:0:1::/64");
        assertThat(Ipv6Cidr.parse("2001:db8::1:0:0:1/128")).hasToString("2001:db8::1:0:0:1/128");
    }

    @Test
    void hostBitsAreAnError() {
        assertThatThrownBy(() -> Ipv6Cidr.parse("fd00::1/64"))
                .hasMessage("fd00::1/64 has host bits set; did you mean fd00::/64?");
        assertThatThrownBy(() -> Ipv6Cidr.parse("2001:db8:ffff::/33"))
                .hasMessage("2001:db8:ffff::/33 has host bits set; did you mean 2001:db8:8000::/33?");
    }

    @ParameterizedTest
    @ValueSource(strings = {"fd00::", "fd00::/129", "fd00::/", "fd00::/064", "[fd00::]/8", "fe80::%eth0/64",
        "10.0.0.0/8", "::ffff:10.0.0.0/104", "fd00:::/8", "fd00::/x", "g::/8"})
    void rejectsMalformed(String bad) {
        assertThatThrownBy(() -> Ipv6Cidr.parse(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not an IPv6 network: ");
    }

    @Property
    void roundTripsAndContainsItsNetwork(@ForAll long high, @ForAll long low, @ForAll @IntRange(max = 128) int prefix) {
        long highMask = prefix == 0 ? 0 : prefix >= 64 ? -1L : -1L << (64 - prefix);
        long lowMask = prefix <= 64 ? 0 : prefix == 128 ? -1L : -1L << (128 - prefix);
        Ipv6Cidr cidr = new Ipv6Cidr(high & highMask, low & lowMask, prefix);
        assertThat(Ipv6Cidr.parse(cidr.toString())).isEqualTo(cidr);
        Inet6Address network = IpLiteral.parseIpv6(cidr.toString().substring(0, cidr.toString().indexOf('/')));
        assertThat(cidr.contains(network)).isTrue();
        assertThat(network.getAddress()).isEqualTo(cidr.networkBytes());
    }
}
