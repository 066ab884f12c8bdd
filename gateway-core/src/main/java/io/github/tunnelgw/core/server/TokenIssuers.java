package io.github.tunnelgw.core.server;

import io.github.tunnelgw.auth.DevelopmentIssuer;
import io.github.tunnelgw.core.config.ConfigException;
import io.github.tunnelgw.core.config.GatewayConfig;

import java.io.IOException;

/** The token issuers the configuration enables. Today only the built-in development issuer exists. */
public final class TokenIssuers {
    private TokenIssuers() {
    }

    public static DevelopmentIssuer developmentIssuer(GatewayConfig config) throws ConfigException, IOException {
        GatewayConfig.DevelopmentIssuerSettings dev = config.auth().developmentIssuer();
        if (!dev.enabled()) {
            throw new ConfigException("auth.developmentIssuer.enabled", "the development issuer is disabled, so it cannot mint tokens");
        }
        return DevelopmentIssuer.loadOrCreate(config.stateDirectory(), dev.issuer(), dev.audience());
    }
}
