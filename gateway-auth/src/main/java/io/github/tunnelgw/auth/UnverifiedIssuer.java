package io.github.tunnelgw.auth;

import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.github.tunnelgw.auth.TokenRejectedException.Reason;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Map;

/**
 * Reads the {@code iss} claim of a token <em>without verifying anything</em>, only to choose which issuer's
 * validator gets to verify it. The value must never be used for anything else.
 */
final class UnverifiedIssuer {

    private UnverifiedIssuer() {
    }

    /** @throws TokenRejectedException EMPTY/TOO_LARGE/MALFORMED for a bad shape, ENCRYPTED_TOKEN for a JWE */
    static String of(String token) throws TokenRejectedException {
        TokenLimits.checkCompactShape(token);
        String[] parts = token.split("\\.", -1);
        if (parts.length == 5) {
            throw new TokenRejectedException(Reason.ENCRYPTED_TOKEN);
        }
        Map<String, Object> claims;
        try {
            claims = JSONObjectUtils.parse(new String(new Base64URL(parts[1]).decode(), StandardCharsets.UTF_8));
        } catch (ParseException | RuntimeException e) {
            throw new TokenRejectedException(Reason.MALFORMED, "the payload is not a JSON object");
        }
        Object issuer = claims.get("iss");
        if (issuer == null) {
            throw new TokenRejectedException(Reason.MISSING_CLAIM, "iss");
        }
        if (!(issuer instanceof String text)) {
            throw new TokenRejectedException(Reason.MALFORMED, "iss is not a string");
        }
        return text;
    }
}
