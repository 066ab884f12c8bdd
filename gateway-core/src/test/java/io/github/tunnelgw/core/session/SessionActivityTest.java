package io.github.tunnelgw.core.session;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The packet path flags activity; the liveness tick turns the flags into times. */
class SessionActivityTest {
    private final Session session = new Session("cookie", SessionRegistryTest.principal("ada"), 1_000);

    @Test
    void withoutActivityTheTimesStayAtTheStart() {
        assertThat(session.lastDataNanos(5_000)).isEqualTo(1_000);
        assertThat(session.lastReceiveNanos(9_000)).isEqualTo(1_000);
    }

    @Test
    void activityBecomesTheTimeOfTheFirstTickThatSeesItAndOnlyThatOne() {
        session.markData();
        session.markData();
        assertThat(session.lastDataNanos(5_000)).as("the tick after the packets").isEqualTo(5_000);
        assertThat(session.lastDataNanos(9_000)).as("a later tick with no packet in between").isEqualTo(5_000);
        assertThat(session.lastReceiveNanos(9_000)).as("data does not count as a received frame").isEqualTo(1_000);

        session.markReceived();
        assertThat(session.lastReceiveNanos(12_000)).isEqualTo(12_000);
        assertThat(session.lastDataNanos(12_000)).as("a frame does not count as data").isEqualTo(5_000);
    }

    @Test
    void attachingCountsAsActivityAndForgetsFlagsFromBefore() {
        session.markData();
        session.markReceived();
        session.markAttached(20_000);
        assertThat(session.lastDataNanos(30_000)).isEqualTo(20_000);
        assertThat(session.lastReceiveNanos(30_000)).isEqualTo(20_000);
    }
}
