package io.github.tunnelgw.core.tls;

import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The credentials record keeps an immutable chain, never an empty one, and never prints the key. */
class ServerCredentialsTest {
    @Test
    void chainIsACopyAndTheLeafComesFirst() throws Exception {
        KeyPair pair = TestCertificates.ecKeyPair();
        Instant now = Instant.now();
        X509Certificate leaf = TestCertificates.selfSigned(pair, now, now.plus(Duration.ofDays(30)));
        X509Certificate other = TestCertificates.selfSigned(TestCertificates.ecKeyPair(), now, now.plus(Duration.ofDays(30)));
        List<X509Certificate> chain = new ArrayList<>(List.of(leaf, other));

        ServerCredentials credentials = new ServerCredentials(pair.getPrivate(), chain);
        chain.clear();

        assertThat(credentials.chain()).containsExactly(leaf, other);
        assertThat(credentials.leaf()).isSameAs(leaf);
        assertThatThrownBy(() -> credentials.chain().add(leaf)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void emptyChainIsRefused() throws Exception {
        KeyPair pair = TestCertificates.ecKeyPair();

        assertThatThrownBy(() -> new ServerCredentials(pair.getPrivate(), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toStringDoesNotRevealTheKey() throws Exception {
        KeyPair pair = TestCertificates.ecKeyPair();
        Instant now = Instant.now();
        X509Certificate leaf = TestCertificates.selfSigned(pair, now, now.plus(Duration.ofDays(30)));

        String text = new ServerCredentials(pair.getPrivate(), List.of(leaf)).toString();

        assertThat(text).contains("EC key").contains("1 certificate(s)")
                .doesNotContain(Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()).substring(0, 40))
                .doesNotContain(pair.getPrivate().toString());
    }
}
