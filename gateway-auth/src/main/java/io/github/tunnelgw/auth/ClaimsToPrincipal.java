package io.github.tunnelgw.auth;

import com.nimbusds.jwt.JWTClaimsSet;
import io.github.tunnelgw.auth.TokenRejectedException.Reason;
import java.text.ParseException;
import java.util.List;
import java.util.Optional;

/** Maps the claims of an already verified token to a {@link Principal}. */
final class ClaimsToPrincipal {

    private ClaimsToPrincipal() {
    }

    static Principal map(JWTClaimsSet claims, List<String> userNameClaims) throws TokenRejectedException {
        try {
            String userName = userName(claims, userNameClaims);
            String objectId = claims.getStringClaim("oid");
            return new Principal(
                    userName,
                    subject(claims.getSubject(), objectId, userName),
                    Optional.ofNullable(claims.getStringClaim("tid")),
                    Optional.ofNullable(objectId),
                    Optional.ofNullable(claims.getStringClaim("deviceid")),
                    stringList(claims, "groups"),
                    stringList(claims, "roles"),
                    claims.getExpirationTime().toInstant());
        } catch (ParseException | RuntimeException e) {
            // a claim of the wrong JSON type (e.g. a number where a string belongs)
            throw new TokenRejectedException(Reason.MALFORMED, "a claim has the wrong type");
        }
    }

    /** {@code sub}, or for issuers whose access tokens lack it (AD FS) the most stable identifier there is. */
    private static String subject(String sub, String objectId, String userName) {
        if (sub != null) {
            return sub;
        }
        return objectId != null ? objectId : userName;
    }

    /** The first present claim wins; a present but unusable one is an error rather than silently skipped. */
    private static String userName(JWTClaimsSet claims, List<String> userNameClaims)
            throws ParseException, TokenRejectedException {
        for (String claimName : userNameClaims) {
            String value = claims.getStringClaim(claimName);
            if (value == null) {
                continue;
            }
            if (UserNames.problem(value) != null) {
                throw new TokenRejectedException(Reason.MALFORMED, "claim " + claimName + " is not a usable user name");
            }
            return value;
        }
        throw new TokenRejectedException(Reason.MISSING_CLAIM, "one of " + String.join(", ", userNameClaims));
    }

    private static List<String> stringList(JWTClaimsSet claims, String name) throws ParseException {
        List<String> values = claims.getStringListClaim(name);
        return values == null ? List.of() : values;
    }
}
