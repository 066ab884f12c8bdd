package io.github.tunnelgw.tun;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Ipv4Header#format} and the strict {@link Ipv4Header#parse}. */
class Ipv4AddressTextTest {

    @Property(tries = 1000)
    void formatThenParseGivesTheAddressBack(@ForAll int address) {
        assertThat(Ipv4Header.parse(Ipv4Header.format(address))).isEqualTo(address);
    }

    @Property(tries = 300)
    void formatAgreesWithTheJdk(@ForAll int address) throws Exception {
        byte[] bytes = {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
        InetAddress jdk = InetAddress.getByAddress(bytes);
        assertThat(Ipv4Header.format(address)).isEqualTo(jdk.getHostAddress());
        assertThat(Ipv4Header.toInt((Inet4Address) jdk)).isEqualTo(address);
    }

    @Test
    void parsesTheEdges() {
        assertThat(Ipv4Header.parse("0.0.0.0")).isZero();
        assertThat(Ipv4Header.parse("255.255.255.255")).isEqualTo(-1);
        assertThat(Ipv4Header.parse("10.99.0.1")).isEqualTo(0x0A630001);
        assertThat(Ipv4Header.format(0x80000001)).isEqualTo("128.0.0.1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1", "1.2.3", "1.2.3.4.5", "1.2.3.", ".1.2.3", "1..2.3", "256.1.1.1", "1.2.3.999",
            "1234.1.1.1", "01.2.3.4", "1.2.3.00", " 1.2.3.4", "1.2.3.4 ", "+1.2.3.4", "-1.2.3.4", "1.2.3.4/24",
            "a.b.c.d", "0x7f.0.0.1", "1,2,3,4", "١.٢.٣.٤", "1.2.3.4\n"})
    void rejectsAnythingButFourPlainDecimalOctets(String text) {
        assertThatThrownBy(() -> Ipv4Header.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a dotted-quad IPv4 address: '");
    }

    @Test
    void errorsSayWhatIsWrong() {
        assertThatThrownBy(() -> Ipv4Header.parse("10.0.0.256")).hasMessageContaining("256 is above 255");
        assertThatThrownBy(() -> Ipv4Header.parse("10.0.0.010")).hasMessageContaining("leading zeros");
        assertThatThrownBy(() -> Ipv4Header.parse("10.0.0.1x")).hasMessageContaining("after the fourth number");
        assertThatThrownBy(() -> Ipv4Header.parse(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing");
        assertThatThrownBy(() -> Ipv4Header.parse("1.2.3.4\n")).hasMessageContaining("'1.2.3.4\\x0a'");
    }
}
