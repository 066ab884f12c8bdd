package io.github.tunnelgw.auth;

/**
 * Turns a bearer access token into the {@link Principal} it speaks for.
 *
 * <p>Implementations are thread-safe: one instance serves every connection. For any input, including
 * garbage, the only exception thrown is {@link TokenRejectedException}.
 */
@FunctionalInterface
public interface TokenValidator {

    /**
     * @param bearerToken the token exactly as received after {@code Bearer }, without any trimming
     * @return the principal the token was issued to
     * @throws TokenRejectedException if the token is not acceptable; its message never contains the token
     */
    Principal validate(String bearerToken) throws TokenRejectedException;
}
