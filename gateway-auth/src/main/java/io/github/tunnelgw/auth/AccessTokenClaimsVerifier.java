package io.github.tunnelgw.auth;

import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.JWTClaimsSetVerifier;
import io.github.tunnelgw.auth.TokenRejectedException.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * Claim checks run by nimbus's processor after the signature has been verified.
 *
 * <p>We use our own verifier instead of nimbus's {@code DefaultJWTClaimsVerifier} because that one reports
 * every failure as a {@link BadJWTException} distinguished only by its message text (which also quotes claim
 * values); throwing {@link ClaimRejectedException} lets the validator map each failure to its {@link Reason}
 * without parsing messages, and lets the clock be injected.
 *
 * <p>Order: registered claims present, then issuer, audience, the time window, and finally the tenant and the
 * configured required claims (so a stale or foreign token is reported as such, not as a policy mismatch).
 */
final class AccessTokenClaimsVerifier implements JWTClaimsSetVerifier<SecurityContext> {

    private final ValidationPolicy policy;

    AccessTokenClaimsVerifier(ValidationPolicy policy) {
        this.policy = policy;
    }

    @Override
    public void verify(JWTClaimsSet claims, SecurityContext context) throws BadJWTException {
        require(claims.getIssuer() != null, "iss");
        require(!claims.getAudience().isEmpty(), "aud");
        require(claims.getSubject() != null || !policy.subjectRequired(), "sub");
        require(claims.getExpirationTime() != null, "exp");
        require(claims.getIssueTime() != null, "iat");

        if (!policy.issuers().contains(claims.getIssuer())) {
            throw new ClaimRejectedException(Reason.WRONG_ISSUER, null);
        }
        if (!containsAny(claims.getAudience(), policy)) {
            throw new ClaimRejectedException(Reason.WRONG_AUDIENCE, null);
        }

        Instant now = policy.clock().instant();
        Duration skew = policy.clockSkew();
        if (!now.isBefore(claims.getExpirationTime().toInstant().plus(skew))) {
            throw new ClaimRejectedException(Reason.EXPIRED, null);
        }
        if (isAfter(claims.getNotBeforeTime(), now.plus(skew))) {
            throw new ClaimRejectedException(Reason.NOT_YET_VALID, "nbf is in the future");
        }
        if (isAfter(claims.getIssueTime(), now.plus(skew))) {
            throw new ClaimRejectedException(Reason.NOT_YET_VALID, "iat is in the future");
        }
        checkTenant(claims);
        for (RequiredClaim required : policy.requiredClaims()) {
            Object value = claims.getClaim(required.name());
            if (value == null) {
                throw new ClaimRejectedException(Reason.MISSING_CLAIM, required.name());
            }
            if (!required.matches(value)) {
                throw new ClaimRejectedException(Reason.CLAIM_MISMATCH, required.name());
            }
        }
    }

    private void checkTenant(JWTClaimsSet claims) throws ClaimRejectedException {
        if (policy.allowedTenants().isEmpty()) {
            return;
        }
        Object tenant = claims.getClaim("tid");
        if (tenant == null) {
            throw new ClaimRejectedException(Reason.MISSING_CLAIM, "tid");
        }
        if (!(tenant instanceof String tid) || !policy.allowedTenants().contains(tid)) {
            throw new ClaimRejectedException(Reason.TENANT_NOT_ALLOWED, null);
        }
    }

    private static void require(boolean present, String claimName) throws ClaimRejectedException {
        if (!present) {
            throw new ClaimRejectedException(Reason.MISSING_CLAIM, claimName);
        }
    }

    private static boolean containsAny(List<String> tokenAudiences, ValidationPolicy policy) {
        for (String audience : tokenAudiences) {
            if (policy.audiences().contains(audience)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isAfter(Date claim, Instant limit) {
        return claim != null && claim.toInstant().isAfter(limit);
    }

    /** Carries the reason out of nimbus's processor; its message holds only the reason name. */
    static final class ClaimRejectedException extends BadJWTException {

        private final Reason reason;
        private final String safeDetail;

        ClaimRejectedException(Reason reason, String safeDetail) {
            super(reason.name());
            this.reason = reason;
            this.safeDetail = safeDetail;
        }

        TokenRejectedException toRejection() {
            return new TokenRejectedException(reason, safeDetail);
        }
    }
}
