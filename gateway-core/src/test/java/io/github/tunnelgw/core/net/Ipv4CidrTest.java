package io.github.tunnelgw.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv4CidrTest {

    @Test
    void parsesNetworkAndPrefix() {
        Ipv4Cidr cidr = Ipv4Cidr.parse("10.10.0.0/16");
        assertThat(cidr.network()).isEqualTo(Ipv4Address.parse("10.10.0.0"));
        assertThat(cidr.prefixLength()).isEqualTo(16);
        assertThat(cidr.netmask()).isEqualTo(0xffff0000);
        assertThat(cidr.netmaskDotted()).isEqualTo("255.255.0.0");
        assertThat(cidr.broadcast()).isEqualTo(Ipv4Address.parse("10.10.255.255"));
        assertThat(cidr.size()).isEqualTo(65536);
        assertThat(cidr).hasToString("10.10.0.0/16");
        assertThat(cidr.toDottedMaskForm()).isEqualTo("10.10.0.0/255.255.0.0");
    }

    @Test
    void edgePrefixes() {
        Ipv4Cidr all = Ipv4Cidr.parse("0.0.0.0/0");
        assertThat(all.netmask()).isZero();
        assertThat(all.netmaskDotted()).isEqualTo("0.0.0.0");
        assertThat(all.size()).isEqualTo(1L << 32);
        assertThat(all.contains(Ipv4Address.parse("203.0.113.9"))).isTrue();
        assertThat(all.broadcast()).isEqualTo(-1);
        assertThat(all.toDottedMaskForm()).isEqualTo("0.0.0.0/0.0.0.0");

        Ipv4Cidr host = Ipv4Cidr.parse("192.0.2.7/32");
        assertThat(host.netmask()).isEqualTo(-1);
        assertThat(host.size()).isEqualTo(1);
        assertThat(host.broadcast()).isEqualTo(host.network());
        assertThat(host.contains(Ipv4Address.parse("192.0.2.8"))).isFalse();
        assertThat(host.toDottedMaskForm()).isEqualTo("192.0.2.7/255.255.255.255");
    }

    @Test
    void hostBitsAreAnErrorThatSuggestsTheNetwork() {
        assertThatThrownBy(() -> Ipv4Cidr.parse("10.0.0.1/24"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("10.0.0.1/24 has host bits set; did you mean 10.0.0.0/24?");
        assertThatThrownBy(() -> Ipv4Cidr.parse("169.254.1.0/16"))
                .hasMessage("169.254.1.0/16 has host bits set; did you mean 169.254.0.0/16?");
        assertThatThrownBy(() -> new Ipv4Cidr(Ipv4Address.parse("10.0.0.1"), 8))
                .hasMessageContaining("did you mean 10.0.0.0/8?");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "10.0.0.0", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/+8", "10.0.0.0/08", "10.0.0.0/8/8",
        "10.0.0.0/ 8", "10.0.0.0 /8", "10.0.0/8", "10.0.0.0/a", "10.0.0.0/100", "/8", "fd00::/8",
        "10.0.0.0/255.0.0.0", "256.0.0.0/8"
    })
    void rejectsMalformedNetworks(String bad) {
        assertThatThrownBy(() -> Ipv4Cidr.parse(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not an IPv4 network: ");
    }

    @Test
    void constructorRejectsBadPrefix() {
        assertThatThrownBy(() -> new Ipv4Cidr(0, 33)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Ipv4Cidr(0, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Property
    void networkAndBroadcastBoundTheRange(@ForAll int address, @ForAll @IntRange(max = 32) int prefix) {
        int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
        Ipv4Cidr cidr = new Ipv4Cidr(address & mask, prefix);
        assertThat(cidr.contains(address)).isTrue();
        assertThat(cidr.contains(cidr.network())).isTrue();
        assertThat(cidr.contains(cidr.broadcast())).isTrue();
        assertThat(Integer.bitCount(cidr.netmask())).isEqualTo(prefix);
        assertThat(Integer.toUnsignedLong(cidr.broadcast()) - Integer.toUnsignedLong(cidr.network()) + 1)
                .isEqualTo(cidr.size());
        if (prefix > 0) {
            // The neighbours just outside the range are not contained (unless the range wraps the space).
            if (cidr.network() != 0) {
                assertThat(cidr.contains(cidr.network() - 1)).isFalse();
            }
            if (cidr.broadcast() != -1) {
                assertThat(cidr.contains(cidr.broadcast() + 1)).isFalse();
            }
        }
    }

    @Property
    void containsMatchesMaskComparison(@ForAll int network, @ForAll @IntRange(max = 32) int prefix, @ForAll int probe) {
        int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
        Ipv4Cidr cidr = new Ipv4Cidr(network & mask, prefix);
        long lo = Integer.toUnsignedLong(cidr.network());
        long hi = Integer.toUnsignedLong(cidr.broadcast());
        long p = Integer.toUnsignedLong(probe);
        assertThat(cidr.contains(probe)).isEqualTo(p >= lo && p <= hi);
    }

    @Property
    void textFormsRoundTrip(@ForAll int network, @ForAll @IntRange(max = 32) int prefix) {
        int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
        Ipv4Cidr cidr = new Ipv4Cidr(network & mask, prefix);
        assertThat(Ipv4Cidr.parse(cidr.toString())).isEqualTo(cidr);
        String[] dotted = cidr.toDottedMaskForm().split("/");
        assertThat(Ipv4Address.parse(dotted[0])).isEqualTo(cidr.network());
        assertThat(Ipv4Address.parse(dotted[1])).isEqualTo(cidr.netmask());
    }

    @Property
    void anyAddressWithHostBitsIsRefusedWithTheRightSuggestion(@ForAll int address, @ForAll @IntRange(max = 31) int prefix) {
        int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
        if ((address & ~mask) == 0) {
            return;
        }
        assertThatThrownBy(() -> Ipv4Cidr.parse(Ipv4Address.format(address) + "/" + prefix))
                .hasMessageEndingWith("did you mean " + Ipv4Address.format(address & mask) + "/" + prefix + "?");
    }

    @Test
    void overlaps() {
        Ipv4Cidr ten = Ipv4Cidr.parse("10.0.0.0/8");
        assertThat(ten.overlaps(Ipv4Cidr.parse("10.20.0.0/16"))).isTrue();
        assertThat(Ipv4Cidr.parse("10.20.0.0/16").overlaps(ten)).isTrue();
        assertThat(ten.overlaps(Ipv4Cidr.parse("11.0.0.0/8"))).isFalse();
    }
}
