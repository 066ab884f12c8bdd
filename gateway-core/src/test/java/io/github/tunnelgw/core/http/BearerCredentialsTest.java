package io.github.tunnelgw.core.http;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BearerCredentialsTest {

    private static BearerCredentials.Result of(String... authorization) {
        HttpHeaders headers = new DefaultHttpHeaders();
        for (String value : authorization) {
            headers.add("Authorization", value);
        }
        return BearerCredentials.from(headers);
    }

    @Test
    void absentWhenNoHeader() {
        assertThat(of()).isInstanceOf(BearerCredentials.Absent.class);
    }

    @Test
    void bearerTokenIsExtracted() {
        assertThat(of("Bearer abc.def.ghi")).isEqualTo(new BearerCredentials.Present("abc.def.ghi"));
    }

    @Test
    void schemeIsCaseInsensitiveAsRfc7235Says() {
        assertThat(of("bearer abc")).isEqualTo(new BearerCredentials.Present("abc"));
        assertThat(of("BEARER abc")).isEqualTo(new BearerCredentials.Present("abc"));
    }

    @Test
    void twoAuthorizationHeadersAreRefused() {
        assertThat(of("Bearer a", "Bearer b")).isInstanceOf(BearerCredentials.Invalid.class);
    }

    @Test
    void otherSchemesAndEmptyTokensAreRefused() {
        assertThat(of("Basic dXNlcjpwdw==")).isInstanceOf(BearerCredentials.Invalid.class);
        assertThat(of("Bearer ")).isInstanceOf(BearerCredentials.Invalid.class);
        assertThat(of("Bearer")).isInstanceOf(BearerCredentials.Invalid.class);
        assertThat(of("Bearerabc")).isInstanceOf(BearerCredentials.Invalid.class);
    }

    @Test
    void presentNeverPrintsTheToken() {
        assertThat(of("Bearer secret-token-value").toString()).doesNotContain("secret-token-value");
    }
}
