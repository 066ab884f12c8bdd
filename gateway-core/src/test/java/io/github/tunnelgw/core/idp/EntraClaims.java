package io.github.tunnelgw.core.idp;

import com.nimbusds.jwt.JWTClaimsSet;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * Claims shaped like real access tokens for the Microsoft Tunnel Gateway resource (claim names and value formats
 * from the Entra access-token reference; AD FS's from its OAuth access tokens). Tests change one claim of these.
 */
public final class EntraClaims {
    public static final String TUNNEL_GATEWAY_APP_ID = "3678c9e9-9681-447a-974d-d19f668fcd88";
    /** The client that asked for the token (Microsoft Defender / Tunnel client stand-in). */
    public static final String CLIENT_APP_ID = "0d9e1c3a-6f0e-4b7e-9d39-0a1f6f5c2b11";

    private EntraClaims() {
    }

    /** A v2.0 access token of user {@code upn} in tenant {@code tid}, valid from a minute ago for {@code ttl}. */
    public static JWTClaimsSet.Builder v2(String tid, String upn, Duration ttl) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String oid = uuid("oid:" + tid + ":" + upn);
        return new JWTClaimsSet.Builder()
                .audience(TUNNEL_GATEWAY_APP_ID)
                .issuer("https://login.microsoftonline.com/" + tid + "/v2.0")
                .issueTime(Date.from(now.minusSeconds(60)))
                .notBeforeTime(Date.from(now.minusSeconds(60)))
                .expirationTime(Date.from(now.plus(ttl)))
                .claim("aio", "AWQAm/8ZAAAA" + oid.substring(0, 8))
                .claim("azp", CLIENT_APP_ID)
                .claim("azpacr", "0")
                .claim("name", upn.substring(0, upn.indexOf('@')))
                .claim("oid", oid)
                .claim("preferred_username", upn)
                .claim("rh", "1.AQEAv4j5cvGGr0GRqy180BHbRw")
                .claim("scp", "user_impersonation")
                .subject(uuid("sub:" + tid + ":" + upn))
                .claim("tid", tid)
                .claim("uti", "r4xGZ5OLd0ixwhxO0qwuAA")
                .claim("ver", "2.0")
                .claim("xms_cc", List.of("cp1"));
    }

    /** A v1.0 access token: {@code sts.windows.net} issuer, {@code upn}/{@code unique_name}, {@code appid}. */
    public static JWTClaimsSet.Builder v1(String tid, String upn, Duration ttl) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String oid = uuid("oid:" + tid + ":" + upn);
        return new JWTClaimsSet.Builder()
                .audience("api://" + TUNNEL_GATEWAY_APP_ID)
                .issuer("https://sts.windows.net/" + tid + "/")
                .issueTime(Date.from(now.minusSeconds(60)))
                .notBeforeTime(Date.from(now.minusSeconds(60)))
                .expirationTime(Date.from(now.plus(ttl)))
                .claim("acr", "1")
                .claim("amr", List.of("pwd", "mfa"))
                .claim("appid", CLIENT_APP_ID)
                .claim("appidacr", "0")
                .claim("family_name", "User")
                .claim("given_name", upn.substring(0, upn.indexOf('@')))
                .claim("ipaddr", "203.0.113.7")
                .claim("name", upn.substring(0, upn.indexOf('@')))
                .claim("oid", oid)
                .claim("scp", "user_impersonation")
                .subject(uuid("sub:" + tid + ":" + upn))
                .claim("tid", tid)
                .claim("unique_name", upn)
                .claim("upn", upn)
                .claim("uti", "fqZ6Y2nZtUuLz0QxMiAAAA")
                .claim("ver", "1.0");
    }

    /** An AD FS access token: {@code http://<host>/adfs/services/trust} issuer, no {@code sub}, {@code upn}. */
    public static JWTClaimsSet.Builder adfs(String host, String audience, String upn, Duration ttl) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        return new JWTClaimsSet.Builder()
                .audience(audience)
                .issuer("http://" + host + "/adfs/services/trust")
                .issueTime(Date.from(now.minusSeconds(60)))
                .notBeforeTime(Date.from(now.minusSeconds(60)))
                .expirationTime(Date.from(now.plus(ttl)))
                .claim("apptype", "Public")
                .claim("appid", CLIENT_APP_ID)
                .claim("authmethod", "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport")
                .claim("auth_time", now.minusSeconds(120).toString())
                .claim("ver", "1.0")
                .claim("scp", "openid")
                .claim("upn", upn)
                .claim("unique_name", "CORP\\" + upn.substring(0, upn.indexOf('@')));
    }

    public static String uuid(String seed) {
        return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
