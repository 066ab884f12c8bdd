package io.github.tunnelgw.core.server;

import io.github.tunnelgw.auth.DevelopmentIssuer;
import io.github.tunnelgw.auth.IssuerRouter;
import io.github.tunnelgw.auth.IssuerSettings;
import io.github.tunnelgw.auth.RemoteIssuer;
import io.github.tunnelgw.core.config.ConfigException;
import io.github.tunnelgw.core.config.GatewayConfig;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The token issuers the configuration enables: the built-in development issuer and the {@code auth.issuers}
 * (Entra ID, AD FS, OIDC), combined into one router that sends each token to the validator of its {@code iss}.
 */
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

    /**
     * The gateway's validator. Remote issuers start discovering in the background and this returns at once: an
     * unreachable provider delays its logins, never the gateway's start. Close the router at shutdown.
     *
     * @throws IOException if the development issuer's key or an issuer's trusted CA file cannot be read
     */
    public static IssuerRouter validator(GatewayConfig config) throws ConfigException, IOException {
        List<IssuerRouter.Route> routes = new ArrayList<>();
        try {
            GatewayConfig.Auth auth = config.auth();
            if (auth.developmentIssuer().enabled()) {
                DevelopmentIssuer dev = developmentIssuer(config);
                routes.add(new IssuerRouter.Route(Set.of(dev.issuerUrl()), dev.validator(auth.clockSkew())));
            }
            for (IssuerSettings settings : auth.issuers()) {
                routes.add(new IssuerRouter.Route(settings.acceptedIssuers(), RemoteIssuer.start(settings, Clock.systemUTC())));
            }
            return new IssuerRouter(routes);
        } catch (IOException | RuntimeException e) {
            for (IssuerRouter.Route route : routes) {
                if (route.validator() instanceof RemoteIssuer remote) {
                    remote.close();
                }
            }
            throw e;
        }
    }
}
