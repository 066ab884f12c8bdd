package io.github.tunnelgw.core.server;

import java.util.Map;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OWASP header set of ocserv's {@code add_owasp_headers} (reference §9.6). Written out here instead of taken
 * from {@code HttpResponses}, so that a header dropped or changed there fails the tests.
 */
final class SecurityHeaders {
    static final Map<String, String> EXPECTED = Map.ofEntries(
            entry("Strict-Transport-Security", "max-age=31536000 ; includeSubDomains"),
            entry("X-Frame-Options", "deny"),
            entry("X-Content-Type-Options", "nosniff"),
            entry("Content-Security-Policy", "default-src 'none'"),
            entry("X-Permitted-Cross-Domain-Policies", "none"),
            entry("Referrer-Policy", "no-referrer"),
            entry("Clear-Site-Data", "\"cache\",\"cookies\",\"storage\""),
            entry("Cross-Origin-Embedder-Policy", "require-corp"),
            entry("Cross-Origin-Opener-Policy", "same-origin"),
            entry("Cross-Origin-Resource-Policy", "same-origin"),
            entry("X-XSS-Protection", "0"));

    private SecurityHeaders() {
    }

    /** Each header exactly once with ocserv's value: a second, different copy would leave browsers guessing. */
    static void assertCarriedBy(HttpReply reply) {
        EXPECTED.forEach((name, value) ->
                assertThat(reply.headers(name)).as("%s in %s", name, reply.statusLine()).containsExactly(value));
    }
}
