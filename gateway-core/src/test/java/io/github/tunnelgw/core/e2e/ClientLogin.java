package io.github.tunnelgw.core.e2e;

/** How an openconnect run logs in. */
sealed interface ClientLogin {

    /**
     * {@code --token-mode=oidc} with the token in a file (written without a trailing newline, which would end the
     * request's headers early), so it appears neither in the process list nor in logged command lines.
     *
     * @param httpAuthBearer adds {@code --http-auth=Bearer}, the hidden option that makes openconnect 9.01 answer
     *                       the first Bearer challenge instead of falling back to a GET
     */
    record Token(String token, boolean httpAuthBearer) implements ClientLogin {
        @Override
        public String toString() {
            return "Token[" + token.length() + " chars, httpAuthBearer=" + httpAuthBearer + "]";
        }
    }

    /** {@code --cookie-on-stdin}: a session cookie from an earlier {@code --authenticate}. */
    record Cookie(String cookie) implements ClientLogin {
        @Override
        public String toString() {
            return "Cookie[" + cookie.length() + " chars]";
        }
    }

    static ClientLogin token(String token) {
        return new Token(token, false);
    }

    /**
     * A token file that ends in a newline, as {@code echo "$TOKEN" > file} makes one: openconnect sends the file
     * verbatim, so the newline ends the request's header block right after the token.
     */
    static ClientLogin tokenFileEndingInNewline(String token) {
        return new Token(token + "\n", false);
    }

    static ClientLogin tokenWithHttpAuthBearer(String token) {
        return new Token(token, true);
    }

    static ClientLogin cookie(String cookie) {
        return new Cookie(cookie);
    }
}
