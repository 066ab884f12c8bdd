package io.github.tunnelgw.core.tls;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import javax.net.ssl.SSLException;
import java.util.List;

/**
 * The control channel's TLS: the JDK provider (its {@code ExtendedSSLSession} exports the DTLS PSK), TLS 1.3
 * preferred and 1.2 as fallback, AEAD suites with forward secrecy only, server preference.
 */
public final class TlsContextFactory {
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    public static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_256_GCM_SHA384",
            "TLS_AES_128_GCM_SHA256",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private TlsContextFactory() {
    }

    public static SslContext serverContext(ServerCredentials credentials) throws SSLException {
        return SslContextBuilder.forServer(credentials.privateKey(), credentials.chain())
                .sslProvider(SslProvider.JDK)
                .protocols(PROTOCOLS)
                .ciphers(CIPHER_SUITES)
                .applicationProtocolConfig(ApplicationProtocolConfig.DISABLED)
                .build();
    }
}
