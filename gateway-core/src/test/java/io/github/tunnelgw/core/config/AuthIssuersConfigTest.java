package io.github.tunnelgw.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.tunnelgw.auth.IssuerProfile;
import io.github.tunnelgw.auth.IssuerSettings;
import io.github.tunnelgw.auth.RequiredClaim;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code auth.issuers}: reading each key, the defaults, and one clear error per mistake. */
class AuthIssuersConfigTest {
    static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";

    @TempDir
    Path directory;

    static GatewayConfig parse(String yaml) throws ConfigException {
        return GatewayConfig.parse(yaml, "test");
    }

    @Test
    void entraIssuerGetsTheTunnelGatewayAudiencesAndDefaults() throws Exception {
        GatewayConfig config = parse("""
                auth:
                  clockSkew: 30s
                  developmentIssuer: { enabled: false }
                  issuers:
                    - profile: entra-v2
                      tenant: %s
                """.formatted(TENANT));
        IssuerSettings issuer = config.auth().issuers().getFirst();

        assertThat(issuer.profile()).isEqualTo(IssuerProfile.ENTRA_V2);
        assertThat(issuer.audiences()).containsExactlyInAnyOrder("3678c9e9-9681-447a-974d-d19f668fcd88",
                "api://3678c9e9-9681-447a-974d-d19f668fcd88");
        assertThat(issuer.acceptedIssuers()).containsExactly("https://login.microsoftonline.com/" + TENANT + "/v2.0");
        assertThat(issuer.effectiveAllowedTenants()).containsExactly(TENANT);
        assertThat(issuer.effectiveDiscoveryUrl()).isEqualTo(
                URI.create("https://login.microsoftonline.com/" + TENANT + "/v2.0/.well-known/openid-configuration"));
        assertThat(issuer.userNameClaims()).containsExactly("upn", "preferred_username", "unique_name", "oid");
        assertThat(issuer.clockSkew()).as("inherits auth.clockSkew").isEqualTo(Duration.ofSeconds(30));
        assertThat(issuer.keyCacheTime()).isEqualTo(Duration.ofHours(1));
        assertThat(issuer.keyRefreshMinInterval()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void everyKeyIsRead() throws Exception {
        Path ca = Files.writeString(directory.resolve("ca.pem"), "not checked until start");
        GatewayConfig config = GatewayConfig.load(Files.writeString(directory.resolve("gateway.yaml"), """
                auth:
                  issuers:
                    - profile: entra-v1
                      tenant: common
                      allowedTenants: [%s, 8d2f9a44-6b7e-4e0a-a1c5-77e3b9d0f222]
                      discoveryUrl: https://login.microsoftonline.us/common/.well-known/openid-configuration
                      audiences: [api://tunnel.contoso.com]
                      requiredClaims: { roles: Tunnel.Users, ver: "1.0" }
                      userNameClaims: [unique_name, oid]
                      clockSkew: 5s
                      trustedCaFile: ca.pem
                      proxy: http://proxy.corp.example:3128
                      keyCacheTime: 6h
                      keyRefreshMinInterval: 1m
                    - profile: adfs
                      issuer: https://adfs.contoso.com/adfs
                      audiences: [https://tunnel.contoso.com]
                """.formatted(TENANT)));
        IssuerSettings v1 = config.auth().issuers().get(0);
        assertThat(v1.acceptedIssuers()).containsExactlyInAnyOrder("https://sts.windows.net/" + TENANT + "/",
                "https://sts.windows.net/8d2f9a44-6b7e-4e0a-a1c5-77e3b9d0f222/");
        assertThat(v1.requiredClaims()).containsExactly(new RequiredClaim("roles", "Tunnel.Users"), new RequiredClaim("ver", "1.0"));
        assertThat(v1.userNameClaims()).containsExactly("unique_name", "oid");
        assertThat(v1.trustedCaFile()).contains(ca);
        assertThat(v1.proxy().proxy()).hasValueSatisfying(address -> {
            assertThat(address.getHostString()).isEqualTo("proxy.corp.example");
            assertThat(address.getPort()).isEqualTo(3128);
        });
        assertThat(v1.effectiveDiscoveryUrl().getHost()).isEqualTo("login.microsoftonline.us");
        assertThat(v1.keyCacheTime()).isEqualTo(Duration.ofHours(6));

        IssuerSettings adfs = config.auth().issuers().get(1);
        assertThat(adfs.acceptedIssuers()).containsExactlyInAnyOrder("https://adfs.contoso.com/adfs",
                "http://adfs.contoso.com/adfs/services/trust");
        assertThat(adfs.effectiveDiscoveryUrl()).isEqualTo(URI.create("https://adfs.contoso.com/adfs/.well-known/openid-configuration"));
        assertThat(adfs.policy(java.time.Clock.systemUTC()).subjectRequired()).isFalse();
        assertThat(config.auth().developmentIssuer().enabled()).as("the development issuer stays on unless disabled").isTrue();
    }

    @Test
    void issuersAloneAreEnoughAndNeitherIsAnError() throws Exception {
        assertThat(parse("auth: {developmentIssuer: {enabled: false}, issuers: [{profile: oidc, issuer: 'https://idp.example.com'}]}")
                .auth().issuers()).hasSize(1);
        ConfigException none = catchThrowableOfType(ConfigException.class,
                () -> parse("auth: {developmentIssuer: {enabled: false}, issuers: []}"));
        assertThat(none.getMessage()).isEqualTo("config key 'auth.developmentIssuer.enabled': no token issuer is enabled");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            issuers: [{tenant: 72f988bf-86f1-41af-91ab-2d7cd011db47}]                        | auth.issuers[1].profile | is required
            issuers: [{profile: entra-v3, tenant: 72f988bf-86f1-41af-91ab-2d7cd011db47}]    | auth.issuers[1].profile | entra-v2, entra-v1, adfs, oidc
            issuers: [{profile: entra-v2}]                                                   | auth.issuers[1]         | tenant is required
            issuers: [{profile: entra-v2, tenant: contoso.onmicrosoft.com}]                  | auth.issuers[1].tenant  | GUID
            issuers: [{profile: entra-v2, tenant: common}]                                   | auth.issuers[1]         | allowedTenants
            issuers: [{profile: entra-v2, tenant: common, allowedTenants: [contoso]}]        | auth.issuers[1].allowedTenants | tenant id
            issuers: [{profile: entra-v2, tenant: 72f988bf-86f1-41af-91ab-2d7cd011db47, issuer: 'https://x.example'}] | auth.issuers[1] | set tenant instead
            issuers: [{profile: adfs}]                                                       | auth.issuers[1]         | issuer is required
            issuers: [{profile: adfs, issuer: 'https://adfs.example.com/'}]                  | auth.issuers[1]         | ends in /adfs
            issuers: [{profile: oidc, issuer: 'http://idp.example.com'}]                     | auth.issuers[1]         | https
            issuers: [{profile: oidc, issuer: 'https://idp.example.com', discoveryUrl: 'http://idp.example.com/x'}] | auth.issuers[1].discoveryUrl | https
            issuers: [{profile: oidc, issuer: 'https://idp.example.com', proxy: 'http://user:pw@proxy:3128'}] | auth.issuers[1].proxy | without credentials
            issuers: [{profile: oidc, issuer: 'https://idp.example.com', proxy: 'socks5://proxy:1080'}] | auth.issuers[1].proxy | http://host:port
            issuers: [{profile: oidc, issuer: 'https://idp.example.com', trustedCaFile: /nonexistent/ca.pem}] | auth.issuers[1].trustedCaFile | does not exist
            issuers: [{profile: oidc, issuer: 'https://idp.example.com', requiredClaims: [roles]}] | auth.issuers[1].requiredClaims | map
            issuers: [{profile: oidc, issuer: 'https://idp.example.com', requiredClaims: {roles: }}] | auth.issuers[1].requiredClaims.roles | empty
            issuers: [{profile: oidc, issuer: 'https://idp.example.com', userNameClaims: ['bad name']}] | auth.issuers[1].userNameClaims | claim name
            issuers: [{profile: oidc, issuer: 'https://idp.example.com', keyCacheTime: 10s, keyRefreshMinInterval: 10s}] | auth.issuers[1] | less than keyCacheTime
            issuers: [{profile: oidc, issuer: 'https://idp.example.com', audience: x}]      | auth.issuers[1].audience | unknown key
            issuers: [{profile: oidc, issuer: 'https://idp.example.com'}, {profile: oidc, issuer: 'https://idp.example.com'}] | auth.issuers[2] | already accepted
            issuers: [{profile: oidc, issuer: 'https://gateway.invalid/dev-issuer'}]        | auth.issuers[1]         | development issuer
            issuers: {profile: oidc}                                                         | auth.issuers            | list of maps
            issuers: [oidc]                                                                  | auth.issuers[1]         | map of keys
            """)
    void mistakesNameTheirKey(String authBody, String key, String problem) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse("auth: {" + authBody + "}"));
        assertThat(e).as(authBody).isNotNull();
        assertThat(e.key()).as(e.getMessage()).isEqualTo(key);
        assertThat(e.problem()).as(e.getMessage()).contains(problem);
    }

    @Test
    void defaultProxyComesFromTheEnvironmentAndIsNeverSilentlyIgnored() throws Exception {
        IssuerSettings issuer = parse("auth: {issuers: [{profile: oidc, issuer: 'https://idp.example.com', proxy: none}]}")
                .auth().issuers().getFirst();
        assertThat(issuer.proxy().proxy()).isEmpty();
        assertThat(issuer.proxy().describe()).isEqualTo("none");
        assertThat(Set.of("none", "env (no HTTPS_PROXY set)")).contains(
                parse("auth: {issuers: [{profile: oidc, issuer: 'https://idp.example.com'}]}").auth().issuers().getFirst()
                        .proxy().describe().replaceAll("env \\(HTTPS_PROXY.*", "env (no HTTPS_PROXY set)"));
        assertThat(List.of(issuer.profile())).containsExactly(IssuerProfile.OIDC);
    }
}
