package io.github.tunnelgw.core.config;

import io.github.tunnelgw.auth.IssuerProfile;
import io.github.tunnelgw.auth.IssuerSettings;
import io.github.tunnelgw.auth.ProxySetting;
import io.github.tunnelgw.auth.RequiredClaim;
import io.github.tunnelgw.auth.ValidationPolicy;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code auth.issuers}: the list of real identity providers. Each entry's keys are read and checked one by one,
 * then {@link IssuerSettings} checks that they fit together; its complaint is reported against the entry.
 */
final class IssuerSectionReader {
    static final int MAX_ISSUERS = 16;
    static final int MAX_LIST = 100;
    private static final Pattern CLAIM_NAME = Pattern.compile("[A-Za-z0-9_:.\\-]{1,64}");

    private IssuerSectionReader() {
    }

    static List<IssuerSettings> readAll(ConfigSection auth, Duration defaultClockSkew) throws ConfigException {
        List<IssuerSettings> issuers = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (ConfigSection entry : auth.sectionList("issuers", MAX_ISSUERS)) {
            IssuerSettings settings = read(entry, defaultClockSkew);
            for (String iss : settings.acceptedIssuers()) {
                if (!seen.add(iss)) {
                    throw new ConfigException(entry.name(), "issuer " + iss + " is already accepted by an earlier entry");
                }
            }
            issuers.add(settings);
        }
        return List.copyOf(issuers);
    }

    private static IssuerSettings read(ConfigSection section, Duration defaultClockSkew) throws ConfigException {
        Optional<String> profileText = section.text("profile");
        if (profileText.isEmpty()) {
            throw section.problem("profile", "is required: entra-v2, entra-v1, adfs or oidc");
        }
        IssuerProfile profile = section.value("profile", IssuerProfile.ENTRA_V2, IssuerProfile::fromConfigName);
        Optional<String> tenant = section.optional("tenant", IssuerSectionReader::tenant);
        Optional<String> issuer = section.optional("issuer", ValueRules::issuerUrl);
        Optional<URI> discoveryUrl = section.optional("discoveryUrl", IssuerSectionReader::httpsUrl);
        List<String> audienceList = section.list("audiences", MAX_LIST, ValueRules::audience);
        Set<String> audiences = audienceList.isEmpty() ? IssuerSettings.DEFAULT_AUDIENCES : Set.copyOf(audienceList);
        Set<String> allowedTenants = Set.copyOf(section.list("allowedTenants", MAX_LIST, IssuerSectionReader::tenantId));
        List<RequiredClaim> requiredClaims = new ArrayList<>();
        for (Map.Entry<String, String> claim : section.stringMap("requiredClaims", MAX_LIST).entrySet()) {
            if (!CLAIM_NAME.matcher(claim.getKey()).matches()) {
                throw section.problem("requiredClaims", "'" + claim.getKey() + "' is not a claim name");
            }
            requiredClaims.add(new RequiredClaim(claim.getKey(), claim.getValue()));
        }
        List<String> userNameClaims = section.list("userNameClaims", 10, IssuerSectionReader::claimName);
        Duration clockSkew = section.duration("clockSkew", defaultClockSkew, Duration.ZERO, ValidationPolicy.MAX_CLOCK_SKEW, false);
        Optional<Path> trustedCaFile = section.existingFile("trustedCaFile");
        ProxySetting proxy = section.value("proxy", null, text -> ProxySetting.parse(text, System.getenv()));
        if (proxy == null) {
            proxy = environmentProxy(section);
        }
        Duration keyCacheTime = section.duration("keyCacheTime", IssuerSettings.DEFAULT_KEY_CACHE_TIME,
                Duration.ofSeconds(1), Duration.ofDays(1), false);
        Duration keyRefreshMinInterval = section.duration("keyRefreshMinInterval",
                IssuerSettings.DEFAULT_KEY_REFRESH_MIN_INTERVAL, Duration.ofMillis(100), Duration.ofHours(1), false);
        section.rejectUnknownKeys();
        try {
            return new IssuerSettings(profile, tenant, issuer, discoveryUrl, audiences, allowedTenants,
                    requiredClaims, userNameClaims.isEmpty() ? ValidationPolicy.DEFAULT_USER_NAME_CLAIMS : userNameClaims,
                    clockSkew, trustedCaFile, proxy, keyCacheTime, keyRefreshMinInterval);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(section.name(), e.getMessage());
        }
    }

    private static ProxySetting environmentProxy(ConfigSection section) throws ConfigException {
        try {
            return ProxySetting.parse("env", System.getenv());
        } catch (IllegalArgumentException e) {
            throw section.problem("proxy", "the default 'env' cannot be used: " + e.getMessage());
        }
    }

    static String tenant(String text) {
        if (IssuerProfile.ENTRA_MULTI_TENANT.contains(text) || IssuerProfile.isTenantId(text)) {
            return text;
        }
        throw new IllegalArgumentException("expected the directory (tenant) id, a GUID, or common/organizations; found '"
                + text + "' (domain names are not accepted because tokens carry the GUID)");
    }

    static String tenantId(String text) {
        if (!IssuerProfile.isTenantId(text)) {
            throw new IllegalArgumentException("expected a tenant id (a GUID), found '" + text + "'");
        }
        return text;
    }

    static String claimName(String text) {
        if (!CLAIM_NAME.matcher(text).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a claim name");
        }
        return text;
    }

    static URI httpsUrl(String text) {
        try {
            URI uri = new URI(text);
            if ("https".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null && uri.getRawUserInfo() == null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new IllegalArgumentException("expected an https URL, found '" + text + "'");
    }
}
