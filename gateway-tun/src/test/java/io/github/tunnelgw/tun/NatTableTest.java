package io.github.tunnelgw.tun;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ruleset text and the validation that keeps input out of its syntax. */
class NatTableTest {

    @Test
    void rulesetReplacesAStaleTableAndMasqueradesTheClientRangeOutOfTheInterface() {
        assertThat(NatTable.ruleset("tunnelgw", "169.254.0.0/16", "eth0")).isEqualTo("""
                table ip tunnelgw
                delete table ip tunnelgw
                table ip tunnelgw {
                  chain postrouting {
                    type nat hook postrouting priority srcnat; policy accept;
                    ip saddr 169.254.0.0/16 oifname "eth0" masquerade
                  }
                }
                """);
    }

    @Test
    void edgeCidrsAreAccepted() {
        assertThat(NatTable.ruleset("t", "0.0.0.0/0", "e")).contains("ip saddr 0.0.0.0/0 ");
        assertThat(NatTable.ruleset("_t", "10.1.2.3/32", "e")).contains("ip saddr 10.1.2.3/32 ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "gw; flush ruleset", "gw\nflush ruleset", "gw{", "1gw", "gw-1", "gw.x", "gw x",
            "\"gw\"", "a123456789012345678901234567890123456789012345678901234567890123x"})
    void tableNameInjectionIsRefused(String table) {
        assertThatThrownBy(() -> NatTable.ruleset(table, "10.0.0.0/8", "eth0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("invalid nftables table name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10.0.0.0", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/08", "10.0.0.0/-1", "10.0.0.0/8 accept",
            "10.0.0.0/8; flush ruleset", "10.0.0.0/8\n", "10.0.0/8", "10.0.0.0.0/8", "256.0.0.0/8", "010.0.0.0/8",
            "10.0.0.0/8/8", "{10.0.0.0/8}", "10.0.0.0-10.0.0.9", "fd00::/8", "10.0.0.1/24", "10.128.0.0/8"})
    void cidrInjectionAndMalformedRangesAreRefused(String cidr) {
        assertThatThrownBy(() -> NatTable.ruleset("gw", cidr, "eth0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("invalid client CIDR");
    }

    @Test
    void hostBitsErrorNamesTheNetwork() {
        assertThatThrownBy(() -> NatTable.requireCidr("10.99.0.1/24")).hasMessageContaining("10.99.0.0/24");
        assertThatThrownBy(() -> NatTable.requireCidr(null)).hasMessageContaining("missing");
    }

    @ParameterizedTest
    @ValueSource(strings = {"eth0\" accept #", "eth0\"; flush ruleset; #", "eth0\n}", "eth*", "a-very-long-interface-name",
            "", "eth 0", "ét0"})
    void interfaceInjectionIsRefused(String ifname) {
        assertThatThrownBy(() -> NatTable.ruleset("gw", "10.0.0.0/8", ifname))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("invalid interface name");
    }

    @Test
    void nullsAreRefusedWithAClearMessage() {
        assertThatThrownBy(() -> NatTable.ruleset(null, "10.0.0.0/8", "eth0")).hasMessageContaining("table name");
        assertThatThrownBy(() -> NatTable.ruleset("gw", null, "eth0")).hasMessageContaining("CIDR");
        assertThatThrownBy(() -> NatTable.ruleset("gw", "10.0.0.0/8", null)).hasMessageContaining("interface name");
    }

    @Test
    void refusedInputIsQuotedWithControlCharactersEscaped() {
        assertThatThrownBy(() -> NatTable.ruleset("gw\nflush ruleset", "10.0.0.0/8", "eth0"))
                .hasMessageContaining("'gw\\x0aflush ruleset'");
    }
}
