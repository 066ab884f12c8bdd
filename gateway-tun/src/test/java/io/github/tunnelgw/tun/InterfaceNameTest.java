package io.github.tunnelgw.tun;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InterfaceNameTest {

    @ParameterizedTest
    @ValueSource(strings = {"eth0", "ens5", "lo", "wlp0s20f3", "br-lan", "vlan.100", "a", "fifteen_chars_x"})
    void acceptsUsualNames(String name) {
        assertThat(InterfaceName.requireValid(name)).isEqualTo(name);
        assertThat(InterfaceName.requireValidOrTemplate(name)).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "sixteen_chars_xx", "eth0 ", "et h0", "eth/0", "eth:0", "eth0\"",
            "eth0\" accept #", "eth0\n", "eth0;", "eth*", "ethé", "eth%d", "{eth0}", "eth\\0"})
    void refusesNamesTheKernelOrNftWouldMisread(String name) {
        assertThatThrownBy(() -> InterfaceName.requireValid(name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid interface name");
    }

    @Test
    void refusesNull() {
        assertThatThrownBy(() -> InterfaceName.requireValid(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null");
    }

    @ParameterizedTest
    @ValueSource(strings = {"vpn%d", "%d", "tgw%d-x", "tun_%d"})
    void tunNamesMayBeKernelTemplates(String name) {
        assertThat(InterfaceName.requireValidOrTemplate(name)).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"vpn%d%d", "vpn%s", "vpn%", "%dx%d", "very_long_name%d", "vpn %d"})
    void templatesHaveExactlyOnePercentD(String name) {
        assertThatThrownBy(() -> InterfaceName.requireValidOrTemplate(name)).isInstanceOf(IllegalArgumentException.class);
    }
}
