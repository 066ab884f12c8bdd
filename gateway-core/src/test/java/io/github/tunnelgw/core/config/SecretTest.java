package io.github.tunnelgw.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretTest {
    @Test
    void printsAsStars() {
        Secret secret = new Secret("hunter2");
        assertThat(secret).hasToString("****");
        assertThat(String.valueOf(java.util.Optional.of(secret))).doesNotContain("hunter2");
        assertThat(secret.reveal()).isEqualTo("hunter2");
        assertThat(secret.revealChars()).containsExactly('h', 'u', 'n', 't', 'e', 'r', '2');
    }

    @Test
    void comparesByValue() {
        assertThat(new Secret("a")).isEqualTo(new Secret("a")).isNotEqualTo(new Secret("b"));
        assertThat(new Secret("a").hashCode()).isEqualTo(new Secret("b").hashCode());
    }
}
