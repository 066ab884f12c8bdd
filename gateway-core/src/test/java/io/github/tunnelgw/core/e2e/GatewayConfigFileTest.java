package io.github.tunnelgw.core.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GatewayConfigFileTest {
    private static final String BASE = """
            # comment: kept
            listenPort: 443
            timeouts: { cookie: 300s, dpd: 90s }
            metrics: { enabled: true }
            """;

    @Test
    void aTopLevelKeyOfTheExtraYamlReplacesTheBaseLine() {
        assertThat(GatewayConfigFile.withoutKeysOf("timeouts: { dpd: 10s }\n", BASE)).isEqualTo("""
                # comment: kept
                listenPort: 443
                metrics: { enabled: true }
                """);
    }

    @Test
    void nestedKeysAndCommentsOfTheExtraYamlReplaceNothing() {
        assertThat(GatewayConfigFile.withoutKeysOf("auth:\n  timeouts: 1\n# listenPort: 1\n", BASE)).isEqualTo(BASE);
    }
}
