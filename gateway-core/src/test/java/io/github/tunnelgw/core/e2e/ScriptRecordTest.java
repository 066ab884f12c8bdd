package io.github.tunnelgw.core.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ScriptRecordTest {

    @Test
    void parsesEnvZeroOutputWithMultiLineValues() {
        String env0 = "reason=connect\0INTERNAL_IP4_ADDRESS=10.250.0.2\0"
                + "CISCO_CSTP_OPTIONS=X-CSTP-DPD=90\nX-CSTP-Keep=true\0TGW_E2E_RECORDED_AT_NANOS=1700000000123456789\0";

        ScriptRecord record = ScriptRecord.parse(env0.getBytes(StandardCharsets.UTF_8), "test");

        assertThat(record.reason()).isEqualTo("connect");
        assertThat(record.at()).isEqualTo(Instant.ofEpochSecond(1_700_000_000L, 123_456_789L));
        assertThat(record.get("INTERNAL_IP4_ADDRESS")).isEqualTo("10.250.0.2");
        assertThat(record.get("CISCO_CSTP_OPTIONS")).isEqualTo("X-CSTP-DPD=90\nX-CSTP-Keep=true");
        assertThat(record.find("CISCO_SPLIT_INC")).isEmpty();
    }

    @Test
    void aMissingVariableIsAnAssertionErrorListingThosePresent() {
        ScriptRecord record = ScriptRecord.parse("reason=connect\0TGW_E2E_RECORDED_AT_NANOS=1\0".getBytes(
                StandardCharsets.UTF_8), "test");

        assertThatThrownBy(() -> record.get("INTERNAL_IP4_MTU"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("INTERNAL_IP4_MTU").hasMessageContaining("reason");
    }

    @Test
    void rejectsRecordsWithoutReasonOrTime() {
        assertThatThrownBy(() -> ScriptRecord.parse("TGW_E2E_RECORDED_AT_NANOS=1\0".getBytes(StandardCharsets.UTF_8), "a"))
                .isInstanceOf(HarnessException.class);
        assertThatThrownBy(() -> ScriptRecord.parse("reason=connect\0".getBytes(StandardCharsets.UTF_8), "b"))
                .isInstanceOf(HarnessException.class);
        assertThatThrownBy(() -> ScriptRecord.parse(
                "reason=connect\0TGW_E2E_RECORDED_AT_NANOS=soon\0".getBytes(StandardCharsets.UTF_8), "c"))
                .isInstanceOf(HarnessException.class);
    }
}
