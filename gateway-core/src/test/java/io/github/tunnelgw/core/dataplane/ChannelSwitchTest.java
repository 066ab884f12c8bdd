package io.github.tunnelgw.core.dataplane;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ChannelSwitchTest {
    private static final class Recording implements ClientRoute {
        final List<ByteBuf> delivered = new ArrayList<>();

        @Override
        public void deliver(ByteBuf packet) {
            delivered.add(packet);
        }
    }

    @Test
    void sendsOverThePreferredChannelUntilItIsWithdrawnOrTheClientUsesTheFallback() {
        Recording cstp = new Recording();
        Recording dtls = new Recording();
        Recording newerDtls = new Recording();
        ChannelSwitch route = new ChannelSwitch(cstp);

        route.deliver(Unpooled.buffer());
        assertThat(cstp.delivered).hasSize(1);

        route.prefer(dtls);
        route.deliver(Unpooled.buffer());
        assertThat(dtls.delivered).hasSize(1);

        route.useFallback();
        route.deliver(Unpooled.buffer());
        assertThat(cstp.delivered).hasSize(2);
        assertThat(route.isOnFallback()).isTrue();

        route.prefer(dtls);
        route.prefer(newerDtls);
        route.withdraw(dtls); // a replaced channel going away must not unseat its successor
        route.deliver(Unpooled.buffer());
        assertThat(newerDtls.delivered).hasSize(1);

        route.withdraw(newerDtls);
        route.deliver(Unpooled.buffer());
        assertThat(cstp.delivered).hasSize(3);
    }
}
