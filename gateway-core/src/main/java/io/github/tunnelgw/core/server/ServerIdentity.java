package io.github.tunnelgw.core.server;

import io.github.tunnelgw.core.config.GatewayConfig;
import io.github.tunnelgw.core.tls.CertificateWarnings;
import io.github.tunnelgw.core.tls.CredentialException;
import io.github.tunnelgw.core.tls.PemCredentialsLoader;
import io.github.tunnelgw.core.tls.Pkcs12CredentialsLoader;
import io.github.tunnelgw.core.tls.SelfSignedCertificate;
import io.github.tunnelgw.core.tls.ServerCredentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/** The certificate the gateway serves: PFX, PEM, or the self-signed one kept in the state directory. */
public final class ServerIdentity {
    private static final Logger log = LoggerFactory.getLogger(ServerIdentity.class);

    private ServerIdentity() {
    }

    public static ServerCredentials load(GatewayConfig config) throws CredentialException, IOException {
        GatewayConfig.Tls tls = config.tls();
        ServerCredentials credentials;
        if (tls.pfxFile().isPresent()) {
            Path pfx = tls.pfxFile().get();
            credentials = Pkcs12CredentialsLoader.load(pfx, pfxPassword(tls));
        } else if (tls.certificateFile().isPresent()) {
            credentials = PemCredentialsLoader.load(tls.certificateFile().get(), tls.privateKeyFile().orElseThrow());
        } else {
            credentials = SelfSignedCertificate.loadOrCreate(config.stateDirectory(), tls.hostNames());
        }
        for (String warning : CertificateWarnings.check(credentials.chain(), Instant.now())) {
            log.warn("certificate: {}", warning);
        }
        return credentials;
    }

    /** The config reader has already read {@code pfxPasswordFile} into {@code pfxPassword}. */
    private static char[] pfxPassword(GatewayConfig.Tls tls) {
        return tls.pfxPassword().map(secret -> secret.revealChars()).orElseGet(() -> new char[0]);
    }
}
