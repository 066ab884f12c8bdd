package io.github.tunnelgw.core.e2e;

import java.util.Map;

/** What {@code openconnect --authenticate} printed: its exit status and the parsed {@code NAME='value'} lines. */
record AuthenticationResult(int exitCode, Map<String, String> values, String diagnostics) {

    AuthenticationResult {
        values = Map.copyOf(values);
    }

    /** The session cookie (COOKIE=); an assertion error with openconnect's messages if there is none. */
    String cookie() {
        String cookie = values.get("COOKIE");
        if (exitCode != 0 || cookie == null || cookie.isEmpty()) {
            throw new AssertionError("openconnect --authenticate gave no cookie (exit " + exitCode + ", printed "
                    + values.keySet() + "):\n" + diagnostics);
        }
        return cookie;
    }

    @Override
    public String toString() {
        // the cookie is a credential
        return "AuthenticationResult[exit=" + exitCode + ", names=" + values.keySet() + "]";
    }
}
