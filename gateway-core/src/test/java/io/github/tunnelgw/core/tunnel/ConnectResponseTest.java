package io.github.tunnelgw.core.tunnel;

import io.github.tunnelgw.core.net.Ipv4Address;
import io.github.tunnelgw.core.net.Ipv4Cidr;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnectResponseTest {

    static TunnelParameters parameters(Optional<String> domain) {
        return new TunnelParameters("tunnelgw test", Ipv4Cidr.parse("10.250.0.0/24"), List.of("10.1.1.53", "10.1.2.53"),
                domain, List.of("corp.example.com"), List.of(Ipv4Cidr.parse("10.201.0.0/16")),
                List.of(Ipv4Cidr.parse("10.201.5.0/24")), 1500, Duration.ofSeconds(90), Duration.ofSeconds(240),
                Optional.of(Duration.ofSeconds(1200)), Optional.of(Duration.ofHours(24)), Duration.ofSeconds(300));
    }

    @Test
    void carriesTheConfiguredNetworkSettings() {
        String response = ConnectResponse.build(parameters(Optional.of("corp.example.com")), Ipv4Address.parse("10.250.0.7"),
                1472, 1500, Optional.of(Duration.ofSeconds(86000)));
        assertThat(response).startsWith("HTTP/1.1 200 CONNECTED\r\n").endsWith("\r\n\r\n");
        assertThat(response.lines()).contains(
                "X-CSTP-Version: 1",
                "X-CSTP-Address: 10.250.0.7",
                "X-CSTP-Netmask: 255.255.255.0",
                "X-CSTP-DNS: 10.1.1.53",
                "X-CSTP-DNS: 10.1.2.53",
                "X-CSTP-Default-Domain: corp.example.com",
                "X-CSTP-Split-DNS: corp.example.com",
                "X-CSTP-Split-Include: 10.201.0.0/255.255.0.0",
                "X-CSTP-Split-Exclude: 10.201.5.0/255.255.255.0",
                "X-CSTP-Tunnel-All-DNS: false",
                "X-CSTP-DPD: 90",
                "X-CSTP-Keepalive: 240",
                "X-CSTP-Idle-Timeout: 1200",
                "X-CSTP-Session-Timeout: 86400",
                "X-CSTP-Session-Timeout-Remaining: 86000",
                "X-CSTP-Rekey-Method: new-tunnel",
                "X-CSTP-Base-MTU: 1500",
                "X-CSTP-MTU: 1472");
        assertThat(response).doesNotContain("X-DTLS-");
    }

    @Test
    void omitsTheDefaultDomainWhenNoneIsConfigured() {
        String response = ConnectResponse.build(parameters(Optional.empty()), Ipv4Address.parse("10.250.0.7"), 1472, 1500,
                Optional.empty());
        assertThat(response).doesNotContain("X-CSTP-Default-Domain").doesNotContain("Session-Timeout-Remaining");
    }

    @Test
    void refusesHeaderInjection() {
        assertThatThrownBy(() -> ConnectResponse.build(parameters(Optional.of("corp.example.com\r\nX-Evil: 1")),
                Ipv4Address.parse("10.250.0.7"), 1472, 1500, Optional.empty())).isInstanceOf(IllegalArgumentException.class);
    }
}
