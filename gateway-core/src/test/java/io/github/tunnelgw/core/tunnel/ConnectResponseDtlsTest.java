package io.github.tunnelgw.core.tunnel;

import io.github.tunnelgw.core.net.Ipv4Address;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectResponseDtlsTest {
    private static final String APP_ID = "f18b64e72fa2935b3a0f564c2df6a099aa091c4b8338609b62ae327292166898";

    @Test
    void announcesPskNegotiateDtlsWithTheDtlsMtu() {
        int tunnelMtu = MtuCalculator.tunnelMtu(1500, false, DtlsOffer.GCM_OVERHEAD);
        String response = ConnectResponse.build(ConnectResponseTest.parameters(Optional.empty()),
                Ipv4Address.parse("10.250.0.7"), tunnelMtu, 1500, Optional.empty(),
                Optional.of(new DtlsOffer(443, APP_ID, Duration.ofSeconds(90), Duration.ofSeconds(240))));

        assertThat(response.lines()).contains(
                "X-DTLS-DPD: 90",
                "X-DTLS-Port: 443",
                "X-DTLS-Keepalive: 240",
                "X-DTLS-App-ID: " + APP_ID,
                "X-DTLS-CipherSuite: PSK-NEGOTIATE",
                "X-CSTP-Base-MTU: 1500",
                "X-CSTP-MTU: 1434");
        assertThat(response).doesNotContain("X-DTLS-Session-ID").doesNotContain("X-DTLS-Rekey-Method")
                .doesNotContain("X-DTLS-MTU");
    }

    @Test
    void withoutAnOfferThereIsNoDtlsHeader() {
        String response = ConnectResponse.build(ConnectResponseTest.parameters(Optional.empty()),
                Ipv4Address.parse("10.250.0.7"), 1472, 1500, Optional.empty(), Optional.empty());
        assertThat(response).doesNotContain("X-DTLS");
        assertThat(response.lines()).contains("X-CSTP-MTU: 1472");
    }
}
