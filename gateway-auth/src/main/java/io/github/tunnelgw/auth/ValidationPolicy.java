package io.github.tunnelgw.auth;

import com.nimbusds.jose.JWSAlgorithm;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What one trusted issuer's tokens must satisfy. Issuer profiles (development, Entra v1/v2, AD FS, OIDC
 * discovery) differ only in this policy and in their key source; the checks themselves live in
 * {@link JwsTokenValidator}.
 *
 * @param issuers         accepted {@code iss} values, compared exactly (Entra needs two: the v1 and v2 form)
 * @param audiences       accepted audiences; the token's {@code aud} must contain at least one
 * @param algorithms      accepted asymmetric JWS algorithms ({@code none} and HMAC are refused outright)
 * @param clockSkew       tolerance applied to {@code exp}, {@code nbf} and {@code iat}
 * @param userNameClaims  claims tried in order for {@link Principal#userName()}
 * @param clock           source of "now"
 * @param allowedTenants  accepted {@code tid} values; empty means the claim is not checked
 * @param requiredClaims  further claims the token must carry, each with a value (see {@link RequiredClaim})
 * @param subjectRequired whether {@code sub} must be present (AD FS access tokens may lack it)
 */
public record ValidationPolicy(
        Set<String> issuers,
        Set<String> audiences,
        Set<JWSAlgorithm> algorithms,
        Duration clockSkew,
        List<String> userNameClaims,
        Clock clock,
        Set<String> allowedTenants,
        List<RequiredClaim> requiredClaims,
        boolean subjectRequired) {

    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(10);
    public static final List<String> DEFAULT_USER_NAME_CLAIMS =
            List.of("upn", "preferred_username", "unique_name", "oid");
    /** What real issuers sign access tokens with: Entra and AD FS use RS256; PS256 and ES256 for other OIDC. */
    public static final Set<JWSAlgorithm> PRODUCTION_ALGORITHMS =
            Set.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256, JWSAlgorithm.ES256);

    public ValidationPolicy {
        issuers = nonEmptyCopy(issuers, "issuers");
        audiences = nonEmptyCopy(audiences, "audiences");
        algorithms = Set.copyOf(Objects.requireNonNull(algorithms, "algorithms"));
        if (algorithms.isEmpty()) {
            throw new IllegalArgumentException("algorithms must not be empty");
        }
        for (JWSAlgorithm algorithm : algorithms) {
            if (JWSAlgorithm.Family.HMAC_SHA.contains(algorithm) || "none".equalsIgnoreCase(algorithm.getName())) {
                throw new IllegalArgumentException("algorithm " + algorithm + " is not allowed for access tokens");
            }
        }
        Objects.requireNonNull(clockSkew, "clockSkew");
        if (clockSkew.isNegative() || clockSkew.compareTo(MAX_CLOCK_SKEW) > 0) {
            throw new IllegalArgumentException("clockSkew must be between 0 and " + MAX_CLOCK_SKEW);
        }
        userNameClaims = List.copyOf(Objects.requireNonNull(userNameClaims, "userNameClaims"));
        if (userNameClaims.isEmpty()) {
            throw new IllegalArgumentException("userNameClaims must not be empty");
        }
        Objects.requireNonNull(clock, "clock");
        allowedTenants = Set.copyOf(Objects.requireNonNull(allowedTenants, "allowedTenants"));
        requiredClaims = List.copyOf(Objects.requireNonNull(requiredClaims, "requiredClaims"));
    }

    /** A policy without tenant restriction or extra required claims, requiring {@code sub}. */
    public ValidationPolicy(Set<String> issuers, Set<String> audiences, Set<JWSAlgorithm> algorithms,
                            Duration clockSkew, List<String> userNameClaims, Clock clock) {
        this(issuers, audiences, algorithms, clockSkew, userNameClaims, clock, Set.of(), List.of(), true);
    }

    /** One issuer, one audience, one algorithm, default skew and user-name claims, system clock. */
    public static ValidationPolicy of(String issuer, String audience, JWSAlgorithm algorithm) {
        return new ValidationPolicy(Set.of(issuer), Set.of(audience), Set.of(algorithm),
                DEFAULT_CLOCK_SKEW, DEFAULT_USER_NAME_CLAIMS, Clock.systemUTC());
    }

    public ValidationPolicy withClockSkew(Duration newClockSkew) {
        return new ValidationPolicy(issuers, audiences, algorithms, newClockSkew, userNameClaims, clock,
                allowedTenants, requiredClaims, subjectRequired);
    }

    public ValidationPolicy withClock(Clock newClock) {
        return new ValidationPolicy(issuers, audiences, algorithms, clockSkew, userNameClaims, newClock,
                allowedTenants, requiredClaims, subjectRequired);
    }

    private static Set<String> nonEmptyCopy(Set<String> values, String name) {
        Set<String> copy = Set.copyOf(Objects.requireNonNull(values, name));
        if (copy.isEmpty() || copy.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException(name + " must be non-empty and contain no blank value");
        }
        return copy;
    }
}
