package io.github.tunnelgw.auth;

import io.github.tunnelgw.auth.TokenRejectedException.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's one {@link TokenValidator} when several issuers are trusted: it reads the token's unverified
 * {@code iss} and hands the token to the validator of exactly that issuer, which then verifies everything
 * (including {@code iss} again). A token naming no configured issuer is {@link Reason#WRONG_ISSUER}.
 *
 * <p>Closing the router closes every route's validator that holds resources (background key refresh).
 */
public final class IssuerRouter implements TokenValidator, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IssuerRouter.class);

    /** The issuers one validator is responsible for. */
    public record Route(Set<String> issuers, TokenValidator validator) {
        public Route {
            issuers = Set.copyOf(issuers);
            Objects.requireNonNull(validator, "validator");
            if (issuers.isEmpty()) {
                throw new IllegalArgumentException("a route needs at least one issuer");
            }
        }
    }

    private final Map<String, TokenValidator> byIssuer;
    private final List<TokenValidator> validators;

    /** @throws IllegalArgumentException if two routes claim the same issuer, or there is no route */
    public IssuerRouter(List<Route> routes) {
        if (routes.isEmpty()) {
            throw new IllegalArgumentException("no token issuer is configured");
        }
        Map<String, TokenValidator> map = new HashMap<>();
        List<TokenValidator> all = new ArrayList<>();
        for (Route route : routes) {
            all.add(route.validator());
            for (String issuer : route.issuers()) {
                if (map.putIfAbsent(issuer, route.validator()) != null) {
                    throw new IllegalArgumentException("issuer " + issuer + " is configured twice");
                }
            }
        }
        this.byIssuer = Map.copyOf(map);
        this.validators = List.copyOf(all);
    }

    /** Every issuer a token may name. */
    public Set<String> issuers() {
        return byIssuer.keySet();
    }

    /** Waits until every remote issuer has loaded its first key set; false on timeout. */
    public boolean awaitRemoteKeys(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (TokenValidator validator : validators) {
            if (validator instanceof RemoteIssuer remote
                    && !remote.awaitKeys(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Principal validate(String bearerToken) throws TokenRejectedException {
        TokenValidator validator = byIssuer.get(UnverifiedIssuer.of(bearerToken));
        if (validator == null) {
            throw new TokenRejectedException(Reason.WRONG_ISSUER);
        }
        return validator.validate(bearerToken);
    }

    @Override
    public void close() {
        for (TokenValidator validator : validators) {
            if (validator instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    log.warn("closing {} failed", validator, e);
                }
            }
        }
    }
}
