package io.github.tunnelgw.core.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A secret configuration value (a key-store password). It prints as {@code ****} so that a config
 * object can be logged or shown in an error without leaking it; only {@link #reveal()} gives the
 * value, and its callers should pass it straight to the API that needs it.
 */
public final class Secret {
    private final String value;

    public Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    /** The secret text. */
    public String reveal() {
        return value;
    }

    /** The secret as a fresh char array, for key-store APIs (the caller may wipe it). */
    public char[] revealChars() {
        return value.toCharArray();
    }

    @Override
    public boolean equals(Object other) {
        // Constant-time comparison, so equality checks do not leak how much of a guess matched.
        return other instanceof Secret that && MessageDigest.isEqual(
                value.getBytes(StandardCharsets.UTF_8), that.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        // Constant: a value-derived hash would leak information about the secret.
        return 0x5ec2e7;
    }

    @Override
    public String toString() {
        return "****";
    }
}
