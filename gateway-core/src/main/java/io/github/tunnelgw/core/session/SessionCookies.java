package io.github.tunnelgw.core.session;

import java.security.SecureRandom;
import java.util.Base64;

/** Session cookies: 256 bits from a CSPRNG, URL-safe base64 without padding (43 characters). */
public final class SessionCookies {
    public static final int ENTROPY_BYTES = 32;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final SecureRandom random;

    public SessionCookies(SecureRandom random) {
        this.random = random;
    }

    public String next() {
        byte[] bytes = new byte[ENTROPY_BYTES];
        random.nextBytes(bytes);
        return ENCODER.encodeToString(bytes);
    }

    /** Cheap shape check so that garbage never reaches the session map. */
    public static boolean isWellFormed(String cookie) {
        if (cookie == null || cookie.length() != 43) {
            return false;
        }
        for (int i = 0; i < cookie.length(); i++) {
            char c = cookie.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
