package io.github.tunnelgw.core.tls;

import io.netty.handler.ssl.SslContext;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TlsHandshakeWarmupTest {
    private static X509Certificate certificate(KeyPair pair) throws Exception {
        Instant now = Instant.now();
        return TestCertificates.selfSigned(pair, now.minus(1, ChronoUnit.DAYS), now.plus(30, ChronoUnit.DAYS));
    }

    @Test
    void completesHandshakesAndAnExchangeWithTheGatewaysOwnServerContext() throws Exception {
        KeyPair pair = TestCertificates.ecKeyPair();
        X509Certificate cert = certificate(pair);
        SslContext server = TlsContextFactory.serverContext(new ServerCredentials(pair.getPrivate(), List.of(cert)));

        TlsHandshakeWarmup.Result result = TlsHandshakeWarmup.run(server, cert, 5, Duration.ofMinutes(1));

        assertThat(result.handshakes()).isEqualTo(5);
        assertThat(result.lastMicros()).isPositive();
    }

    @Test
    void aClientThatDoesNotTrustTheServedCertificateFailsLoudly() throws Exception {
        KeyPair pair = TestCertificates.ecKeyPair();
        SslContext server = TlsContextFactory.serverContext(
                new ServerCredentials(pair.getPrivate(), List.of(certificate(pair))));
        X509Certificate another = certificate(TestCertificates.ecKeyPair());

        assertThatThrownBy(() -> TlsHandshakeWarmup.run(server, another, 1, Duration.ofMinutes(1)))
                .isInstanceOf(SSLException.class);
    }

    @Test
    void stopsWhenItsBudgetIsSpentButAlwaysRunsOneHandshake() throws Exception {
        KeyPair pair = TestCertificates.ecKeyPair();
        X509Certificate cert = certificate(pair);
        SslContext server = TlsContextFactory.serverContext(new ServerCredentials(pair.getPrivate(), List.of(cert)));

        assertThat(TlsHandshakeWarmup.run(server, cert, 100_000, Duration.ZERO).handshakes()).isEqualTo(1);
    }
}
