package io.github.tunnelgw.auth;

import java.util.Objects;

/**
 * A bearer token was refused.
 *
 * <p>The message names the {@link Reason} and, at most, a detail taken from the gateway's own configuration
 * (such as the name of a missing claim). It never contains the token or any value read from it, so it is safe
 * to log. No cause is attached, because the parser's own exceptions quote token content.
 */
public final class TokenRejectedException extends Exception {

    /** Why a token was refused. Callers usually answer every reason the same way (401) and log the reason. */
    public enum Reason {
        EMPTY("no token was presented"),
        TOO_LARGE("the token exceeds " + TokenLimits.MAX_TOKEN_CHARS + " characters"),
        MALFORMED("the token is not a well-formed compact JWS"),
        ENCRYPTED_TOKEN("encrypted tokens (JWE) are not accepted"),
        DISALLOWED_ALGORITHM("the token's signing algorithm is not allowed"),
        WRONG_TYPE("the token's typ header is not JWT or at+jwt"),
        UNKNOWN_KEY("the token's signing key is not known"),
        BAD_SIGNATURE("the token's signature is invalid"),
        EXPIRED("the token has expired"),
        NOT_YET_VALID("the token is not valid yet"),
        MISSING_CLAIM("the token lacks a required claim"),
        WRONG_ISSUER("the token was issued by an issuer that is not trusted"),
        WRONG_AUDIENCE("the token is not meant for this gateway"),
        TENANT_NOT_ALLOWED("the token's tenant (tid) is not allowed"),
        CLAIM_MISMATCH("a required claim has a value that is not accepted"),
        ISSUER_UNAVAILABLE("the issuer's signing keys could not be fetched");

        private final String description;

        Reason(String description) {
            this.description = description;
        }

        /** A fixed, human-readable sentence fragment for this reason. */
        public String description() {
            return description;
        }
    }

    private final Reason reason;

    public TokenRejectedException(Reason reason) {
        this(reason, null);
    }

    /**
     * @param safeDetail text from the gateway's configuration or code (e.g. a claim name); never token content
     */
    TokenRejectedException(Reason reason, String safeDetail) {
        super(message(reason, safeDetail), null, false, true);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    private static String message(Reason reason, String safeDetail) {
        Objects.requireNonNull(reason, "reason");
        String text = "token rejected: " + reason.name() + " (" + reason.description();
        return safeDetail == null ? text + ")" : text + ": " + safeDetail + ")";
    }
}
