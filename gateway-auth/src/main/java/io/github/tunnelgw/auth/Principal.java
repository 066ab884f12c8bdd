package io.github.tunnelgw.auth;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Who a validated token speaks for. Built only from claims of a token whose signature, issuer, audience and
 * lifetime were verified; it holds no token and nothing secret, so {@link #toString()} is safe to log.
 *
 * @param userName  display/login name (upn, preferred_username, unique_name or oid); mutable at the issuer, so
 *                  never authorise on it alone
 * @param subject   the {@code sub} claim
 * @param tenantId  the {@code tid} claim, if present
 * @param objectId  the {@code oid} claim (immutable directory object id), if present
 * @param deviceId  the {@code deviceid} claim, if present; informational only (not a documented Entra
 *                  access-token claim)
 * @param groups    the {@code groups} claim, empty if absent
 * @param roles     the {@code roles} claim, empty if absent
 * @param expiresAt the {@code exp} claim; sessions should be re-checked when it passes
 */
public record Principal(
        String userName,
        String subject,
        Optional<String> tenantId,
        Optional<String> objectId,
        Optional<String> deviceId,
        List<String> groups,
        List<String> roles,
        Instant expiresAt) {

    public Principal {
        Objects.requireNonNull(userName, "userName");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(objectId, "objectId");
        Objects.requireNonNull(deviceId, "deviceId");
        groups = List.copyOf(groups);
        roles = List.copyOf(roles);
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
