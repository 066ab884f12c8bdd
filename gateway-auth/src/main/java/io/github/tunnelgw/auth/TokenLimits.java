package io.github.tunnelgw.auth;

import io.github.tunnelgw.auth.TokenRejectedException.Reason;

/**
 * Cheap checks on the raw token string that run before any decoding or JSON parsing, so that oversized or
 * garbage input costs one pass over at most {@link #MAX_TOKEN_CHARS} characters.
 */
public final class TokenLimits {

    /** Longest token accepted. Entra access tokens with many groups stay well below this. */
    public static final int MAX_TOKEN_CHARS = 16 * 1024;

    private TokenLimits() {
    }

    /**
     * Accepts only the compact serialisation's alphabet: base64url characters and exactly two (JWS) or four
     * (JWE) dots. That is stricter than "no whitespace or control characters": a trailing newline, a space,
     * padding ({@code =}) or any non-ASCII character makes the token {@link Reason#MALFORMED}.
     */
    static void checkCompactShape(String token) throws TokenRejectedException {
        if (token == null || token.isEmpty()) {
            throw new TokenRejectedException(Reason.EMPTY);
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            throw new TokenRejectedException(Reason.TOO_LARGE);
        }
        if (token.isBlank()) {
            throw new TokenRejectedException(Reason.EMPTY);
        }
        int dots = 0;
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == '.') {
                dots++;
            } else if (!isBase64UrlChar(c)) {
                throw new TokenRejectedException(Reason.MALFORMED, "character outside the base64url alphabet");
            }
        }
        if (dots != 2 && dots != 4) {
            throw new TokenRejectedException(Reason.MALFORMED, "wrong number of parts");
        }
    }

    private static boolean isBase64UrlChar(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }
}
