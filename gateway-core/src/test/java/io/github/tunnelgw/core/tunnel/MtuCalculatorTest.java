package io.github.tunnelgw.core.tunnel;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MtuCalculatorTest {

    @Test
    void matchesOcservWithoutUdp() {
        // reference §3.4: link 1500 without UDP gives 1472
        assertThat(MtuCalculator.tunnelMtu(MtuCalculator.linkMtu(1500, 1500), false, 0)).isEqualTo(1472);
    }

    @Test
    void matchesOcservWithPskDtlsOverAesGcm() {
        // reference §3.4: 1500 - 28 - (13 + 8 + 16 + 1) = 1434
        assertThat(MtuCalculator.tunnelMtu(1500, false, 38)).isEqualTo(1434);
    }

    @Test
    void smallerClientBaseMtuWins() {
        assertThat(MtuCalculator.linkMtu(1500, 1400)).isEqualTo(1400);
        assertThat(MtuCalculator.linkMtu(1400, 1500)).isEqualTo(1400);
    }

    @Test
    void absurdClientBaseMtuIsIgnored() {
        assertThat(MtuCalculator.linkMtu(1500, 0)).isEqualTo(1500);
        assertThat(MtuCalculator.linkMtu(1500, 100)).isEqualTo(1500);
    }

    @Test
    void ipv6TransportCostsTwentyMoreBytes() {
        assertThat(MtuCalculator.tunnelMtu(1500, true, 0)).isEqualTo(1452);
    }
}
