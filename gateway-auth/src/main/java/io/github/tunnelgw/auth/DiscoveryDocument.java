package io.github.tunnelgw.auth;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.net.URI;
import java.text.ParseException;
import java.util.Map;
import java.util.Optional;

/**
 * The two things the gateway needs from an OpenID Connect discovery document.
 *
 * @param issuer            the {@code issuer} member
 * @param jwksUri           the {@code jwks_uri} member, an https URL
 * @param accessTokenIssuer AD FS's {@code access_token_issuer}, if present
 */
record DiscoveryDocument(String issuer, URI jwksUri, Optional<String> accessTokenIssuer) {

    /** @throws IllegalArgumentException with a message fit for the log (names members, quotes no document) */
    static DiscoveryDocument parse(String json) {
        Map<String, Object> document;
        try {
            document = JSONObjectUtils.parse(json);
        } catch (ParseException | RuntimeException e) {
            throw new IllegalArgumentException("the discovery document is not a JSON object");
        }
        String issuer = string(document, "issuer");
        String jwks = string(document, "jwks_uri");
        URI jwksUri;
        try {
            jwksUri = new URI(jwks);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("jwks_uri is not a URL");
        }
        if (!"https".equalsIgnoreCase(jwksUri.getScheme()) || jwksUri.getHost() == null) {
            throw new IllegalArgumentException("jwks_uri is not an https URL: " + jwksUri);
        }
        Object accessTokenIssuer = document.get("access_token_issuer");
        return new DiscoveryDocument(issuer, jwksUri,
                accessTokenIssuer instanceof String text ? Optional.of(text) : Optional.empty());
    }

    private static String string(Map<String, Object> document, String member) {
        if (!(document.get(member) instanceof String value) || value.isBlank()) {
            throw new IllegalArgumentException("the discovery document has no " + member);
        }
        return value;
    }
}
