package io.github.tunnelgw.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DnsNameTest {

    @Test
    void normalizesCaseAndTrailingDot() {
        assertThat(DnsName.normalize("Corp.Example.COM.")).isEqualTo("corp.example.com");
        assertThat(DnsName.normalize("localhost")).isEqualTo("localhost");
        assertThat(DnsName.normalize("a-1.b2")).isEqualTo("a-1.b2");
        assertThat(DnsName.normalize("a".repeat(63) + ".com")).hasSize(67);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "a..b", ".a", "-a.com", "a-.com", "a_b.com", "a b.com", "10.0.0.1",
        "例え.jp", "a.com/x", "*.example.com"})
    void refusesInvalidNames(String bad) {
        assertThatThrownBy(() -> DnsName.normalize(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a DNS name: ");
    }

    @Test
    void enforcesLengthLimits() {
        assertThatThrownBy(() -> DnsName.normalize("a".repeat(64) + ".com")).hasMessageContaining("63");
        String longName = ("a".repeat(60) + ".").repeat(5) + "com";
        assertThatThrownBy(() -> DnsName.normalize(longName)).hasMessageContaining("253");
    }
}
