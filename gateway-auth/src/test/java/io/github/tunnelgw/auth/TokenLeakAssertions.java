package io.github.tunnelgw.auth;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks that a rejection tells nothing about the token it rejected. */
final class TokenLeakAssertions {

    /** Long enough that a match cannot be a coincidence of English words and base64url. */
    private static final int WINDOW = 12;

    private TokenLeakAssertions() {
    }

    static void assertNoTokenLeak(TokenRejectedException rejection, String token) {
        assertThat(rejection.getCause()).as("cause (nimbus messages quote token content)").isNull();
        assertThat(rejection.getSuppressed()).isEmpty();
        for (String text : new String[] {rejection.getMessage(), rejection.toString()}) {
            assertThat(text).contains(rejection.reason().name());
            if (token == null || token.length() < WINDOW) {
                continue;
            }
            for (int i = 0; i + WINDOW <= text.length(); i++) {
                String window = text.substring(i, i + WINDOW);
                assertThat(token).as("token must not share text with the message %s", text).doesNotContain(window);
            }
            for (String part : token.split("\\.")) {
                if (part.length() >= WINDOW) {
                    assertThat(text).doesNotContain(part);
                }
            }
        }
    }
}
