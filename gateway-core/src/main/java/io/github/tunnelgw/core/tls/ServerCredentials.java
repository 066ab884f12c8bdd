package io.github.tunnelgw.core.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** The served identity: private key and certificate chain, leaf first. */
public record ServerCredentials(PrivateKey privateKey, List<X509Certificate> chain) {
    public ServerCredentials {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("empty certificate chain");
        }
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    @Override
    public String toString() {
        return "ServerCredentials[" + privateKey.getAlgorithm() + " key, " + chain.size() + " certificate(s), leaf "
                + leaf().getSubjectX500Principal().getName() + "]";
    }
}
