package io.github.tunnelgw.core.dtls;

import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class DtlsHandshakeWarmupTest {
    private final TlsCrypto crypto = new JcaTlsCryptoProvider().create(new SecureRandom());

    @Test
    void completesTheRequestedHandshakesThroughTheCookieExchangeAndTheGatewaysServer() throws Exception {
        // Each handshake only counts if the server side accepted it and set up GcmRecordLayer's keys.
        DtlsHandshakeWarmup.Result result = DtlsHandshakeWarmup.run(crypto, JdkAead.ENGINE, 12, Duration.ofMinutes(1));

        assertThat(result.handshakes()).isEqualTo(12);
        assertThat(result.lastMicros()).isPositive();
        assertThat(result.elapsedMillis()).isGreaterThanOrEqualTo(result.lastMicros() / 1000);
    }

    @Test
    void stopsWhenItsBudgetIsSpentButAlwaysRunsOneHandshake() throws Exception {
        DtlsHandshakeWarmup.Result result = DtlsHandshakeWarmup.run(crypto, JdkAead.ENGINE, 100_000, Duration.ZERO);

        assertThat(result.handshakes()).isEqualTo(1);
    }
}
