package io.github.tunnelgw.core.net;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class PrintableTest {

    @Test
    void escapesLineBreaksAndQuotes() {
        assertThat(Printable.quote("a\nb\"c\u0000")).isEqualTo("\"a\\nb\\\"c\\u0000\"");
        assertThat(Printable.quote(null)).isEqualTo("null");
    }

    @Test
    void elidesLongInput() {
        String quoted = Printable.quote("x".repeat(1000));
        assertThat(quoted).hasSize(Printable.MAX_ECHO + 5).endsWith("...\"");
    }

    @Property
    void outputIsAlwaysOneShortLine(@ForAll String any) {
        String quoted = Printable.quote(any);
        assertThat(quoted).doesNotContain("\n", "\r", "\u2028", "\u2029");
        assertThat(quoted.chars().noneMatch(Character::isISOControl)).isTrue();
        assertThat(quoted.length()).isLessThanOrEqualTo(Printable.MAX_ECHO * 6 + 5);
    }
}
