/**
 * Identity for the gateway: validation of bearer access tokens and the built-in development issuer.
 *
 * <p>The rest of the gateway sees only {@link io.github.tunnelgw.auth.TokenValidator} (token in,
 * {@link io.github.tunnelgw.auth.Principal} or {@link io.github.tunnelgw.auth.TokenRejectedException} out).
 * Every issuer — the {@link io.github.tunnelgw.auth.DevelopmentIssuer} today, Entra ID v1/v2, AD FS and generic
 * OIDC discovery profiles later — is validated by the same {@link io.github.tunnelgw.auth.JwsTokenValidator};
 * a profile differs only in its {@link io.github.tunnelgw.auth.ValidationPolicy} (issuers, audiences,
 * algorithms, user-name claims) and in where its keys come from (a fixed JWK set here, a cached remote JWKS
 * for real issuers).
 *
 * <p>This package knows nothing of Netty, HTTP or sessions.
 */
package io.github.tunnelgw.auth;
