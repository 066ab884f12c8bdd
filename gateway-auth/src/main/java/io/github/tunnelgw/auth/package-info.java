/**
 * Identity for the gateway: validation of bearer access tokens and the built-in development issuer.
 *
 * <p>The rest of the gateway sees only {@link io.github.tunnelgw.auth.TokenValidator} (token in,
 * {@link io.github.tunnelgw.auth.Principal} or {@link io.github.tunnelgw.auth.TokenRejectedException} out).
 * Every issuer — the {@link io.github.tunnelgw.auth.DevelopmentIssuer} and the real identity providers of
 * {@link io.github.tunnelgw.auth.IssuerProfile} (Entra ID v1/v2, AD FS, generic OIDC) — is validated by the same
 * {@link io.github.tunnelgw.auth.JwsTokenValidator}; a profile differs only in its
 * {@link io.github.tunnelgw.auth.ValidationPolicy} (issuers, audiences, algorithms, tenants, required claims,
 * user-name claims) and in where its keys come from (a fixed JWK set for the development issuer, a discovered,
 * cached remote key set for a {@link io.github.tunnelgw.auth.RemoteIssuer}). When several issuers are trusted,
 * {@link io.github.tunnelgw.auth.IssuerRouter} hands each token to the validator of its {@code iss}.
 *
 * <p>This package knows nothing of Netty, HTTP or sessions. Its only network traffic is the issuers' discovery
 * documents and key sets ({@code IssuerHttpClient}: HTTPS only, bounded, through the configured proxy).
 */
package io.github.tunnelgw.auth;
