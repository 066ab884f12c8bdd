package io.github.tunnelgw.core.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyValueTextTest {

    @Test
    void readsKeyValueLinesAndIgnoresOthers() {
        Map<String, String> values = KeyValueText.parse("listening 5001\nsha256=ab12\nbytes=10 \nnot a=pair\n=x\n");

        assertThat(values).containsExactly(Map.entry("sha256", "ab12"), Map.entry("bytes", "10"));
    }

    @Test
    void aMissingKeyIsAnErrorNamingTheSource() {
        assertThatThrownBy(() -> KeyValueText.require(Map.of(), "peer", "sink-result.txt"))
                .isInstanceOf(HarnessException.class).hasMessageContaining("sink-result.txt").hasMessageContaining("peer");
    }
}
