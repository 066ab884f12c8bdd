package io.github.tunnelgw.core.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusSamplesTest {
    private static final String SCRAPE = """
            # HELP gateway_sessions_active sessions with a live tunnel connection
            # TYPE gateway_sessions_active gauge
            gateway_sessions_active 1.0
            gateway_leases_in_use 2
            gateway_auth_failures_total{reason="expired"} 3.0
            gateway_auth_failures_total{reason="wrong_audience",extra="a\\"b,c}"} 4.0 1700000000000
            gateway_bytes_total{direction="up"} +Inf

            """;

    @Test
    void readsValuesByNameAndLabels() {
        PrometheusSamples samples = PrometheusSamples.parse(SCRAPE);

        assertThat(samples.value("gateway_sessions_active")).isEqualTo(1.0);
        assertThat(samples.value("gateway_leases_in_use")).isEqualTo(2.0);
        assertThat(samples.valueOrZero("gateway_auth_failures_total", Map.of("reason", "expired"))).isEqualTo(3.0);
        assertThat(samples.valueOrZero("gateway_auth_failures_total", Map.of("reason", "wrong_audience"))).isEqualTo(4.0);
        assertThat(samples.valueOrZero("gateway_auth_failures_total", Map.of("reason", "malformed"))).isZero();
        assertThat(samples.sum("gateway_auth_failures_total")).isEqualTo(7.0);
        assertThat(samples.value("gateway_bytes_total")).isInfinite();
        assertThat(samples.samples()).filteredOn(s -> s.labels().containsKey("extra"))
                .singleElement().extracting(s -> s.labels().get("extra")).isEqualTo("a\"b,c}");
    }

    @Test
    void aMissingOrAmbiguousMetricIsAnErrorNamingWhatIsThere() {
        PrometheusSamples samples = PrometheusSamples.parse(SCRAPE);

        assertThatThrownBy(() -> samples.value("gateway_sessions"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("gateway_sessions_active");
        assertThatThrownBy(() -> samples.value("gateway_auth_failures_total"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("found 2");
    }

    @Test
    void rejectsLinesThatAreNotSamples() {
        assertThatThrownBy(() -> PrometheusSamples.parse("ok 1\nnovalue\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 2");
        assertThatThrownBy(() -> PrometheusSamples.parse("m{reason=\"x\" 1"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PrometheusSamples.parse("m{reason=x} 1"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PrometheusSamples.parse("m 1.2.3"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PrometheusSamples.parse("9bad 1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad metric name");
    }
}
