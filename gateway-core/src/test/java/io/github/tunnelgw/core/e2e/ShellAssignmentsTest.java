package io.github.tunnelgw.core.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ShellAssignmentsTest {

    @Test
    void readsTheLinesOfOpenconnectAuthenticate() {
        String output = """
                POST https://10.200.7.1/
                COOKIE='abc+/=def'
                HOST='10.200.7.1'
                CONNECT_URL='https://10.200.7.1/'
                FINGERPRINT='pin-sha256:AAAA'
                RESOLVE=
                """;

        assertThat(ShellAssignments.parse(output))
                .containsEntry("COOKIE", "abc+/=def")
                .containsEntry("HOST", "10.200.7.1")
                .containsEntry("CONNECT_URL", "https://10.200.7.1/")
                .containsEntry("FINGERPRINT", "pin-sha256:AAAA")
                .containsEntry("RESOLVE", "")
                .hasSize(5);
    }

    @Test
    void unquotesEmbeddedQuotesAndEscapes() {
        assertThat(ShellAssignments.unquote("'it'\\''s'")).isEqualTo("it's");
        assertThat(ShellAssignments.unquote("plain\\ word")).isEqualTo("plain word");
    }

    @Test
    void anUnterminatedQuoteIsAnErrorThatDoesNotQuoteTheValue() {
        assertThatThrownBy(() -> ShellAssignments.parse("COOKIE='secret-value\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("secret-value");
    }
}
