package io.github.tunnelgw.auth;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One trusted identity provider as configured: its profile, where its discovery document is, and what its tokens
 * must satisfy. The constructor checks that the keys fit together and throws {@link IllegalArgumentException}
 * with a sentence naming the key at fault.
 *
 * @param profile          which kind of provider
 * @param tenant           Entra: the directory (tenant) id GUID, or {@code common}/{@code organizations} together
 *                         with {@code allowedTenants}
 * @param issuer           AD FS ({@code https://host/adfs}) and OIDC: the issuer URL
 * @param discoveryUrl     where to fetch the discovery document instead of the profile's default (sovereign clouds,
 *                         tests)
 * @param audiences        accepted {@code aud} values
 * @param allowedTenants   accepted {@code tid} values; required for a multi-tenant Entra issuer
 * @param requiredClaims   further claims tokens must carry
 * @param userNameClaims   claims tried in order for the user name
 * @param clockSkew        tolerance on the time claims
 * @param trustedCaFile    PEM certificates trusted for this issuer's HTTPS instead of the JDK's default trust store
 * @param proxy            how to reach the issuer
 * @param keyCacheTime     how long a fetched key set is used before it is fetched again (refreshed ahead, in the
 *                         background)
 * @param keyRefreshMinInterval the shortest time between two key-set fetches caused by unknown key ids
 */
public record IssuerSettings(
        IssuerProfile profile,
        Optional<String> tenant,
        Optional<String> issuer,
        Optional<URI> discoveryUrl,
        Set<String> audiences,
        Set<String> allowedTenants,
        List<RequiredClaim> requiredClaims,
        List<String> userNameClaims,
        Duration clockSkew,
        Optional<Path> trustedCaFile,
        ProxySetting proxy,
        Duration keyCacheTime,
        Duration keyRefreshMinInterval) {

    /** The Microsoft Tunnel Gateway application id: Conditional Access targets it, Entra puts it in {@code aud}. */
    public static final String TUNNEL_GATEWAY_APP_ID = "3678c9e9-9681-447a-974d-d19f668fcd88";
    /** Both forms Entra may put in {@code aud} for the Tunnel Gateway (v1 tokens may use the App ID URI). */
    public static final Set<String> DEFAULT_AUDIENCES = Set.of(TUNNEL_GATEWAY_APP_ID, "api://" + TUNNEL_GATEWAY_APP_ID);
    public static final Duration DEFAULT_KEY_CACHE_TIME = Duration.ofHours(1);
    public static final Duration DEFAULT_KEY_REFRESH_MIN_INTERVAL = Duration.ofSeconds(30);

    public IssuerSettings {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(discoveryUrl, "discoveryUrl");
        audiences = Set.copyOf(audiences);
        allowedTenants = Set.copyOf(allowedTenants);
        requiredClaims = List.copyOf(requiredClaims);
        userNameClaims = List.copyOf(userNameClaims);
        Objects.requireNonNull(clockSkew, "clockSkew");
        Objects.requireNonNull(trustedCaFile, "trustedCaFile");
        Objects.requireNonNull(proxy, "proxy");
        if (audiences.isEmpty()) {
            throw new IllegalArgumentException("audiences must not be empty");
        }
        if (userNameClaims.isEmpty()) {
            throw new IllegalArgumentException("userNameClaims must not be empty");
        }
        if (keyRefreshMinInterval.isNegative() || keyRefreshMinInterval.isZero()
                || keyRefreshMinInterval.compareTo(keyCacheTime) >= 0) {
            throw new IllegalArgumentException("keyRefreshMinInterval must be more than 0 and less than keyCacheTime");
        }
        if (profile.isEntra()) {
            checkEntra(tenant, issuer, allowedTenants);
        } else {
            checkIssuerUrl(profile, tenant, issuer);
        }
        discoveryUrl.ifPresent(url -> requireHttps(url, "discoveryUrl"));
    }

    private static void checkEntra(Optional<String> tenant, Optional<String> issuer, Set<String> allowedTenants) {
        if (issuer.isPresent()) {
            throw new IllegalArgumentException("issuer is not used by the Entra profiles; set tenant instead");
        }
        String name = tenant.orElseThrow(() -> new IllegalArgumentException(
                "tenant is required: the directory (tenant) id, or common together with allowedTenants"));
        for (String tid : allowedTenants) {
            if (!IssuerProfile.isTenantId(tid)) {
                throw new IllegalArgumentException("allowedTenants: '" + tid + "' is not a tenant id (a GUID)");
            }
        }
        if (IssuerProfile.ENTRA_MULTI_TENANT.contains(name)) {
            if (allowedTenants.isEmpty()) {
                throw new IllegalArgumentException("tenant " + name + " accepts tokens of any tenant; list the accepted"
                        + " ones in allowedTenants");
            }
        } else if (!IssuerProfile.isTenantId(name)) {
            throw new IllegalArgumentException("tenant must be the directory (tenant) id, a GUID such as"
                    + " 72f988bf-86f1-41af-91ab-2d7cd011db47 (or common with allowedTenants)");
        } else if (!allowedTenants.isEmpty() && !allowedTenants.equals(Set.of(name.toLowerCase(Locale.ROOT)))) {
            throw new IllegalArgumentException("allowedTenants of a single-tenant issuer can only be its own tenant;"
                    + " use tenant: common to accept several");
        }
    }

    private static void checkIssuerUrl(IssuerProfile profile, Optional<String> tenant, Optional<String> issuer) {
        if (tenant.isPresent()) {
            throw new IllegalArgumentException("tenant is used only by the Entra profiles; set issuer instead");
        }
        String url = issuer.orElseThrow(() -> new IllegalArgumentException(
                "issuer is required for profile " + profile.configName()
                        + (profile == IssuerProfile.ADFS ? " (https://adfs.example.com/adfs)" : "")));
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("issuer is not a URL");
        }
        requireHttps(uri, "issuer");
        if (profile == IssuerProfile.ADFS && !uri.getPath().replaceAll("/+$", "").endsWith("/adfs")) {
            throw new IllegalArgumentException("an AD FS issuer ends in /adfs, e.g. https://adfs.example.com/adfs");
        }
    }

    private static void requireHttps(URI uri, String key) {
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException(key + " must be an https URL with a host (and no credentials)");
        }
    }

    /** The {@code tid} values accepted: Entra always checks it (its key set is shared by all tenants). */
    public Set<String> effectiveAllowedTenants() {
        if (!profile.isEntra()) {
            return allowedTenants;
        }
        String name = tenant.orElseThrow();
        return IssuerProfile.ENTRA_MULTI_TENANT.contains(name)
                ? lowerCase(allowedTenants) : Set.of(name.toLowerCase(Locale.ROOT));
    }

    /** Every {@code iss} value this issuer's tokens may carry; the router sends exactly these here. */
    public Set<String> acceptedIssuers() {
        return profile.acceptedIssuers(effectiveAllowedTenants(), issuer.orElse(null));
    }

    /** Where the discovery document is fetched from. */
    public URI effectiveDiscoveryUrl() {
        return discoveryUrl.orElseGet(() -> profile.defaultDiscoveryUrl(tenant.orElse(null), issuer.orElse(null)));
    }

    /**
     * The {@code issuer} the discovery document must announce (OpenID Connect Discovery §4.3), or empty where the
     * document is tenant-independent and announces a {@code {tenantid}} template instead.
     */
    public Optional<String> expectedDiscoveryIssuer() {
        if (profile.isEntra()) {
            String name = tenant.orElseThrow();
            return IssuerProfile.ENTRA_MULTI_TENANT.contains(name)
                    ? Optional.empty() : Optional.of(profile.entraIssuer(name.toLowerCase(Locale.ROOT)));
        }
        return issuer;
    }

    /** A short name for logs: the profile and tenant or issuer. */
    public String describe() {
        return profile.configName() + " " + tenant.orElseGet(() -> issuer.orElse("?"));
    }

    /** The token policy for this issuer. */
    public ValidationPolicy policy(java.time.Clock clock) {
        return new ValidationPolicy(acceptedIssuers(), audiences, ValidationPolicy.PRODUCTION_ALGORITHMS, clockSkew,
                userNameClaims, clock, effectiveAllowedTenants(), requiredClaims, profile != IssuerProfile.ADFS);
    }

    private static Set<String> lowerCase(Set<String> values) {
        Set<String> lower = new LinkedHashSet<>();
        values.forEach(v -> lower.add(v.toLowerCase(Locale.ROOT)));
        return lower;
    }
}
