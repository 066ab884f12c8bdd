package io.github.tunnelgw.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @Test
    void parsesEveryUnit() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("90")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("24h")).isEqualTo(Duration.ofHours(24));
        assertThat(Durations.parse("2d")).isEqualTo(Duration.ofDays(2));
        assertThat(Durations.parse("0")).isZero();
        assertThat(Durations.parse("999999999999d")).isEqualTo(Duration.ofDays(999_999_999_999L));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "s", "-1", "-5s", "+5s", "5 s", " 5s", "5S", "5sec", "1.5h", "1h30m", "5w", "1e3",
        "0x10", "none", "1:30", "9999999999999", "PT5S"})
    void rejectsGarbage(String bad) {
        assertThatThrownBy(() -> Durations.parse(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a duration: ");
    }

    @Test
    void namedParseReportsTheName() {
        assertThatThrownBy(() -> Durations.parse("--ttl", "soon"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("--ttl"));
    }

    @Test
    void formatsInTheLargestExactUnit() {
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Durations.format(Duration.ofSeconds(120))).isEqualTo("2m");
        assertThat(Durations.format(Duration.ofHours(48))).isEqualTo("2d");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
    }

    @Property
    void formatRoundTrips(@ForAll @LongRange(max = 999_999_999_999L) long amount, @ForAll("units") String unit) {
        Duration parsed = Durations.parse(amount + unit);
        assertThat(Durations.parse(Durations.format(parsed))).isEqualTo(parsed);
    }

    @Provide
    Arbitrary<String> units() {
        return Arbitraries.of("ms", "s", "m", "h", "d", "");
    }
}
