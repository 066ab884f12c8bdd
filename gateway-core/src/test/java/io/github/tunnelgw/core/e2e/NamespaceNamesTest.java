package io.github.tunnelgw.core.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NamespaceNamesTest {

    @Test
    void runIdsAreUniqueAndCarryThisJvmsPid() {
        String first = NamespaceNames.newRunId();
        String second = NamespaceNames.newRunId();

        assertThat(first).isNotEqualTo(second).startsWith(ProcessHandle.current().pid() + "-");
        assertThat(NamespaceNames.creatorPid(NamespaceNames.of("c", first))).hasValue(ProcessHandle.current().pid());
    }

    @Test
    void onlyOurOwnNamesAreRecognised() {
        assertThat(NamespaceNames.creatorPid("tgwe2e-g-1234-00ff0a")).hasValue(1234);
        assertThat(NamespaceNames.creatorPid("ocb-gw")).isEmpty();
        assertThat(NamespaceNames.creatorPid("tgwe2e-g-1234")).isEmpty();
        assertThat(NamespaceNames.creatorPid("tgwe2e-g-1234-00ff0a-extra")).isEmpty();
        assertThat(NamespaceNames.creatorPid("xtgwe2e-g-1234-00ff0a")).isEmpty();
    }
}
