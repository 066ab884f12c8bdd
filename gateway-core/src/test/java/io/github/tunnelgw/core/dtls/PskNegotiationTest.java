package io.github.tunnelgw.core.dtls;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PskNegotiationTest {
    @Test
    void openconnectsListsOfferPsk() {
        assertThat(PskNegotiation.offered("PSK-NEGOTIATE:OC-DTLS1_2-AES256-GCM:AES128-SHA", null)).isTrue();
        assertThat(PskNegotiation.offered(null, "ECDHE-RSA-AES256-GCM-SHA384:PSK-NEGOTIATE")).isTrue();
        assertThat(PskNegotiation.offered("PSK-NEGOTIATE", "")).isTrue();
    }

    @Test
    void onlyTheExactTokenCounts() {
        assertThat(PskNegotiation.offered(null, null)).isFalse();
        assertThat(PskNegotiation.offered("", "")).isFalse();
        assertThat(PskNegotiation.offered("OC-DTLS1_2-AES256-GCM:AES128-SHA", "AES256-GCM-SHA384")).isFalse();
        assertThat(PskNegotiation.offered("PSK-NEGOTIATE2:XPSK-NEGOTIATE", null)).isFalse();
        assertThat(PskNegotiation.offered("psk-negotiate", null)).isFalse();
    }
}
