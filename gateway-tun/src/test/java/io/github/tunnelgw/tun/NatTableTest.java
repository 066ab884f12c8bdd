package io.github.tunnelgw.tun;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NatTableTest {

    @Test
    void rulesetMasqueradesTheClientRangeOutOfTheInterfaceAndReplacesAStaleTable() {
        String ruleset = NatTable.ruleset("tunnelgw", "169.254.0.0/16", "eth0");
        assertThat(ruleset).startsWith("table ip tunnelgw\ndelete table ip tunnelgw\n")
                .contains("type nat hook postrouting priority srcnat")
                .contains("ip saddr 169.254.0.0/16 oifname \"eth0\" masquerade");
    }

    @Test
    void injectionAttemptsAreRefused() {
        assertThatThrownBy(() -> NatTable.ruleset("gw; flush ruleset", "10.0.0.0/8", "eth0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("table name");
        assertThatThrownBy(() -> NatTable.ruleset("gw", "10.0.0.0/8 accept", "eth0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CIDR");
        assertThatThrownBy(() -> NatTable.ruleset("gw", "10.0.0.0/8", "eth0\" accept #"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("interface");
        assertThatThrownBy(() -> NatTable.ruleset("gw", "10.0.0.0/8", "a-very-long-interface-name"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void defaultRouteInterfaceIsReadFromProcNetRoute() {
        List<String> table = List.of(
                "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT",
                "ens4\t0014C80A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0",
                "ens5\t00000000\t0114C80A\t0003\t0\t0\t100\t00000000\t0\t0\t0");
        assertThat(NatTable.defaultRouteInterface(table)).contains("ens5");
        assertThat(NatTable.defaultRouteInterface(table.subList(0, 2))).isEmpty();
        assertThat(NatTable.defaultRouteInterface(List.of())).isEmpty();
    }
}
