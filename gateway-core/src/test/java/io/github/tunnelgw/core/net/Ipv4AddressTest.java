package io.github.tunnelgw.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv4AddressTest {

    @Test
    void parsesDottedQuadsMostSignificantOctetFirst() {
        assertThat(Ipv4Address.parse("10.1.2.3")).isEqualTo(0x0a010203);
        assertThat(Ipv4Address.parse("0.0.0.0")).isZero();
        assertThat(Ipv4Address.parse("255.255.255.255")).isEqualTo(-1);
        assertThat(Ipv4Address.parse("169.254.0.1")).isEqualTo(0xa9fe0001);
    }

    @Test
    void formatsHighOctetsUnsigned() {
        assertThat(Ipv4Address.format(0xc0a80001)).isEqualTo("192.168.0.1");
        assertThat(Ipv4Address.format(-1)).isEqualTo("255.255.255.255");
        assertThat(Ipv4Address.format(0)).isEqualTo("0.0.0.0");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", " ", "1", "1.2", "1.2.3", "1.2.3.4.5", "1.2.3.", ".1.2.3", "1..2.3", "1.2.3.4.",
        "256.0.0.1", "1.2.3.256", "999.1.1.1", "1000.1.1.1", "+1.2.3.4", "1.+2.3.4", "-1.2.3.4",
        "01.2.3.4", "1.2.3.04", "1.2.3.00", "0x0a.0.0.1", "a.b.c.d", "1.2.3.4 ", " 1.2.3.4",
        "1.2.3.4/32", "1,2,3,4", "１.2.3.4", "1.2.3.4\n", "localhost", "::1", "1.2.3.4:80"
    })
    void rejectsAnythingButAStrictDottedQuad(String bad) {
        assertThatThrownBy(() -> Ipv4Address.parse(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not an IPv4 address: ")
                .hasMessageNotContaining("\n");
    }

    @Test
    void explainsWhatIsWrong() {
        assertThatThrownBy(() -> Ipv4Address.parse("10.0.1"))
                .hasMessage("not an IPv4 address: \"10.0.1\" (it has 3 parts, not 4)");
        assertThatThrownBy(() -> Ipv4Address.parse("10.0.0.010"))
                .hasMessageContaining("leading zero");
        assertThatThrownBy(() -> Ipv4Address.parse("10..0.1"))
                .hasMessageContaining("empty part");
        assertThatThrownBy(() -> Ipv4Address.parse(null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Property
    void formatThenParseIsIdentity(@ForAll int address) {
        assertThat(Ipv4Address.parse(Ipv4Address.format(address))).isEqualTo(address);
    }

    @Property
    void parsesAnyFourOctets(@ForAll @IntRange(max = 255) int a, @ForAll @IntRange(max = 255) int b,
                             @ForAll @IntRange(max = 255) int c, @ForAll @IntRange(max = 255) int d) {
        int address = Ipv4Address.parse(a + "." + b + "." + c + "." + d);
        assertThat(address).isEqualTo((a << 24) | (b << 16) | (c << 8) | d);
    }

    /** Whatever the parser accepts is exactly the canonical text of its result: there are no aliases. */
    @Property(tries = 3000)
    void acceptsOnlyCanonicalText(@ForAll("addressLikeStrings") String text) {
        int address;
        try {
            address = Ipv4Address.parse(text);
        } catch (IllegalArgumentException e) {
            return;
        }
        assertThat(Ipv4Address.format(address)).isEqualTo(text);
    }

    @Provide
    Arbitrary<String> addressLikeStrings() {
        // Mostly dot-separated digit groups (so many are near misses of valid addresses), some noise.
        Arbitrary<String> part = Arbitraries.strings().withChars("0123456789").ofMinLength(0).ofMaxLength(4);
        Arbitrary<String> dotted = part.list().ofMinSize(3).ofMaxSize(5).map(parts -> String.join(".", parts));
        Arbitrary<String> noisy = Arbitraries.strings().withChars("0123456789.+- x").ofMinLength(0).ofMaxLength(17);
        return Arbitraries.frequencyOf(
                Tuple.of(4, dotted), Tuple.of(1, noisy));
    }

    @Property
    void jdkObjectRoundTrip(@ForAll int address) {
        Inet4Address inet = Ipv4Address.toInet(address);
        assertThat(inet.getHostAddress()).isEqualTo(Ipv4Address.format(address));
        assertThat(Ipv4Address.fromInet(inet)).isEqualTo(address);
    }
}
