package io.github.tunnelgw.core.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

import java.util.List;

/**
 * Reads the bearer token from the Authorization header (RFC 6750 §2.1).
 *
 * <p>The scheme name is matched case-insensitively, as RFC 7235 §2.1 says auth-schemes are. Exactly one
 * Authorization header is allowed: two of them are ambiguous, and an attacker could hope that a proxy and the
 * gateway read different ones.
 */
public final class BearerCredentials {

    /** What the request carried. */
    public sealed interface Result permits Absent, Present, Invalid {
    }

    public record Absent() implements Result {
    }

    public record Present(String token) implements Result {
        @Override
        public String toString() {
            return "Present[token=****]";
        }
    }

    public record Invalid(String problem) implements Result {
    }

    private static final String SCHEME = "Bearer ";

    private BearerCredentials() {
    }

    public static Result from(HttpHeaders headers) {
        List<String> values = headers.getAll(HttpHeaderNames.AUTHORIZATION);
        if (values.isEmpty()) {
            return new Absent();
        }
        if (values.size() > 1) {
            return new Invalid("more than one Authorization header");
        }
        String value = values.get(0);
        if (value.length() <= SCHEME.length() || !value.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return new Invalid("Authorization scheme is not Bearer");
        }
        return new Present(value.substring(SCHEME.length()));
    }
}
