package io.github.tunnelgw.auth;

import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The kinds of identity provider the gateway trusts. A profile knows where the provider publishes its discovery
 * document and which {@code iss} values its access tokens carry; everything else is common.
 */
public enum IssuerProfile {
    /** Entra ID tokens of version 2.0: {@code iss = https://login.microsoftonline.com/{tid}/v2.0}. */
    ENTRA_V2("entra-v2"),
    /** Entra ID tokens of version 1.0: {@code iss = https://sts.windows.net/{tid}/}. */
    ENTRA_V1("entra-v1"),
    /**
     * AD FS 2016 or later: discovery under {@code https://{host}/adfs}; access tokens carry
     * {@code iss = http://{host}/adfs/services/trust} (the discovery document's {@code access_token_issuer}).
     */
    ADFS("adfs"),
    /** Any OpenID Connect provider whose access tokens are JWTs carrying the discovery document's issuer. */
    OIDC("oidc");

    /** Where Entra ID (global cloud) publishes its documents. */
    public static final String ENTRA_AUTHORITY = "https://login.microsoftonline.com";
    /** The tenant-independent Entra documents, usable only together with an allowed-tenants list. */
    public static final Set<String> ENTRA_MULTI_TENANT = Set.of("common", "organizations");
    private static final Pattern GUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final String configName;

    IssuerProfile(String configName) {
        this.configName = configName;
    }

    /** The word used in the config file. */
    public String configName() {
        return configName;
    }

    public boolean isEntra() {
        return this == ENTRA_V1 || this == ENTRA_V2;
    }

    /** @throws IllegalArgumentException naming the accepted words */
    public static IssuerProfile fromConfigName(String name) {
        for (IssuerProfile profile : values()) {
            if (profile.configName.equals(name)) {
                return profile;
            }
        }
        throw new IllegalArgumentException("expected one of entra-v2, entra-v1, adfs, oidc, found '" + name + "'");
    }

    /** Whether {@code text} is a tenant GUID; Entra puts it lower-case into {@code tid} and {@code iss}. */
    public static boolean isTenantId(String text) {
        return GUID.matcher(text).matches();
    }

    /** The {@code iss} an Entra token of this profile carries for tenant {@code tid}. */
    String entraIssuer(String tid) {
        return switch (this) {
            case ENTRA_V2 -> ENTRA_AUTHORITY + "/" + tid + "/v2.0";
            case ENTRA_V1 -> "https://sts.windows.net/" + tid + "/";
            default -> throw new IllegalStateException(this + " is not an Entra profile");
        };
    }

    /** Where the discovery document of this profile lives, unless the configuration names it. */
    URI defaultDiscoveryUrl(String tenant, String issuer) {
        return switch (this) {
            case ENTRA_V2 -> URI.create(ENTRA_AUTHORITY + "/" + tenant + "/v2.0/.well-known/openid-configuration");
            case ENTRA_V1 -> URI.create(ENTRA_AUTHORITY + "/" + tenant + "/.well-known/openid-configuration");
            case ADFS, OIDC -> URI.create(stripTrailingSlash(issuer) + "/.well-known/openid-configuration");
        };
    }

    /** The {@code iss} values tokens of this profile may carry (before discovery adds nothing: all are static). */
    Set<String> acceptedIssuers(Set<String> tenants, String issuer) {
        Set<String> issuers = new LinkedHashSet<>();
        switch (this) {
            case ENTRA_V2, ENTRA_V1 -> tenants.forEach(tid -> issuers.add(entraIssuer(tid)));
            case ADFS -> {
                issuers.add(issuer);
                issuers.add("http://" + URI.create(issuer).getAuthority().toLowerCase(Locale.ROOT) + "/adfs/services/trust");
            }
            case OIDC -> issuers.add(issuer);
        }
        return issuers;
    }

    private static String stripTrailingSlash(String text) {
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }
}
