package io.github.tunnelgw.core.idp;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One identity-provider authority as {@link MockOidcProvider} serves it: its discovery documents and its RSA
 * signing keys, written as files under the provider's document root in the shapes Entra ID and AD FS publish, and
 * the private keys to sign tokens with. {@link #rotate()} publishes a new key next to the old ones and signs with
 * it from then on, as Entra does at a key rollover. {@link #publishEcKey} adds an EC key beside them, for the
 * ES* algorithms other OIDC issuers use.
 */
public final class TestAuthority {
    private final Path root;
    private final List<String> keyPaths;
    private final List<JWK> published = new ArrayList<>();
    private volatile RSAKey signing;

    private TestAuthority(Path root, List<String> keyPaths) {
        this.root = root;
        this.keyPaths = List.copyOf(keyPaths);
        rotate();
    }

    /**
     * An Entra authority for {@code segment} (a tenant id, or {@code common}): the v2.0 and v1.0 discovery documents
     * at {@code /<segment>/v2.0/.well-known/openid-configuration} and {@code /<segment>/.well-known/openid-configuration}
     * with the issuers Entra announces, and the same keys at {@code /<segment>/discovery/v2.0/keys} and
     * {@code /<segment>/discovery/keys}.
     */
    public static TestAuthority entra(Path root, URI base, String segment) {
        String tenantInIssuer = segment.equals("common") || segment.equals("organizations") ? "{tenantid}" : segment;
        TestAuthority authority = new TestAuthority(root,
                List.of(segment + "/discovery/v2.0/keys", segment + "/discovery/keys"));
        authority.writeJson(segment + "/v2.0/.well-known/openid-configuration", discovery(
                "https://login.microsoftonline.com/" + tenantInIssuer + "/v2.0", base + "/" + segment + "/discovery/v2.0/keys",
                "https://login.microsoftonline.com/" + segment + "/oauth2/v2.0/authorize"));
        authority.writeJson(segment + "/.well-known/openid-configuration", discovery(
                "https://sts.windows.net/" + tenantInIssuer + "/", base + "/" + segment + "/discovery/keys",
                "https://login.microsoftonline.com/" + segment + "/oauth2/authorize"));
        return authority;
    }

    /** An AD FS farm known as {@code host}: discovery at {@code /adfs/.well-known/openid-configuration}. */
    public static TestAuthority adfs(Path root, URI base, String host) {
        TestAuthority authority = new TestAuthority(root, List.of("adfs/discovery/keys"));
        Map<String, Object> document = discovery("https://" + host + "/adfs", base + "/adfs/discovery/keys",
                "https://" + host + "/adfs/oauth2/authorize/");
        document.put("access_token_issuer", "http://" + host + "/adfs/services/trust");
        authority.writeJson("adfs/.well-known/openid-configuration", document);
        return authority;
    }

    public static URI entraV2Discovery(URI base, String segment) {
        return URI.create(base + "/" + segment + "/v2.0/.well-known/openid-configuration");
    }

    /**
     * One {@code auth.issuers} entry (indented for that list) for the Entra v2 tenant {@code tenant} served by the
     * mock provider at {@code base}, with {@code trustedCa} as the provider's CA and {@code proxy} as the proxy setting.
     */
    public static String entraV2IssuerEntry(URI base, String tenant, Path trustedCa, String proxy) {
        return """
                    - profile: entra-v2
                      tenant: %s
                      discoveryUrl: %s
                      trustedCaFile: "%s"
                      proxy: %s
                """.formatted(tenant, entraV2Discovery(base, tenant), trustedCa.toAbsolutePath(), proxy);
    }

    public static URI entraV1Discovery(URI base, String segment) {
        return URI.create(base + "/" + segment + "/.well-known/openid-configuration");
    }

    public static URI adfsDiscovery(URI base) {
        return URI.create(base + "/adfs/.well-known/openid-configuration");
    }

    /** The path the key set is fetched from (for counting fetches); the first of the published paths. */
    public String keysPath() {
        return "/" + keyPaths.get(0);
    }

    /** Adds a fresh 2048-bit RSA key to the published set and makes it the signing key. */
    public synchronized void rotate() {
        try {
            RSAKey key = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString().replace("-", "").substring(0, 27))
                    .keyUse(KeyUse.SIGNATURE).generate();
            published.addFirst(key);
            signing = key;
            publishKeySet();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Adds an EC key on {@code curve} to the published set; the RSA signing key stays the default one. */
    public synchronized ECKey publishEcKey(Curve curve) {
        try {
            ECKey key = new ECKeyGenerator(curve).keyID("ec-" + UUID.randomUUID().toString().replace("-", "").substring(0, 24))
                    .keyUse(KeyUse.SIGNATURE).generate();
            published.addLast(key);
            publishKeySet();
            return key;
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private void publishKeySet() {
        String json = new JWKSet(published.stream().map(JWK::toPublicJWK).toList()).toString(true);
        for (String path : keyPaths) {
            writeText(path, json);
        }
    }

    public RSAKey signingKey() {
        return signing;
    }

    /** Signs with the current key, header {@code alg RS256, typ JWT, kid} as Entra sends it. */
    public String sign(JWTClaimsSet claims) {
        return sign(header().build(), claims);
    }

    public JWSHeader.Builder header() {
        return header(JWSAlgorithm.RS256, signing);
    }

    /** The header Entra sends ({@code typ JWT}, {@code kid} of {@code key}) with another algorithm. */
    public static JWSHeader.Builder header(JWSAlgorithm algorithm, JWK key) {
        return new JWSHeader.Builder(algorithm).type(JOSEObjectType.JWT).keyID(key.getKeyID());
    }

    public String sign(JWSHeader header, JWTClaimsSet claims) {
        return sign(header, claims, signing);
    }

    /** Signs with {@code key} (RSA or EC), whatever algorithm the header names. */
    public String sign(JWSHeader header, JWTClaimsSet claims, JWK key) {
        try {
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner(key.toRSAKey()));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> discovery(String issuer, String jwksUri, String authorize) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("token_endpoint", authorize.replace("authorize", "token"));
        document.put("token_endpoint_auth_methods_supported", List.of("client_secret_post", "private_key_jwt", "client_secret_basic"));
        document.put("jwks_uri", jwksUri);
        document.put("response_modes_supported", List.of("query", "fragment", "form_post"));
        document.put("subject_types_supported", List.of("pairwise"));
        document.put("id_token_signing_alg_values_supported", List.of("RS256"));
        document.put("response_types_supported", List.of("code", "id_token", "code id_token", "id_token token"));
        document.put("scopes_supported", List.of("openid", "profile", "email", "offline_access"));
        document.put("issuer", issuer);
        document.put("authorization_endpoint", authorize);
        return document;
    }

    private void writeJson(String path, Map<String, Object> document) {
        writeText(path, JSONObjectUtils.toJSONString(document));
    }

    private void writeText(String path, String text) {
        try {
            Path file = root.resolve(path);
            Files.createDirectories(file.getParent());
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(temporary, text);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
