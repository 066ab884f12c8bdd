package io.github.tunnelgw.core.dataplane;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import io.netty.buffer.ByteBuf;

/**
 * The route registered for a client's lease: it sends over the preferred channel (DTLS) while one is set and over
 * the fallback (the CSTP channel on TLS) otherwise. One volatile read per packet; the channels flip it as they see
 * traffic, so the route table itself never changes while a connection lives.
 */
public final class ChannelSwitch implements ClientRoute {
    private static final VarHandle PREFERRED;

    static {
        try {
            PREFERRED = MethodHandles.lookup().findVarHandle(ChannelSwitch.class, "preferred", ClientRoute.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ClientRoute fallback;
    @SuppressWarnings("unused") // accessed through PREFERRED
    private volatile ClientRoute preferred;

    public ClientRoute fallback() {
        return fallback;
    }

    public ChannelSwitch(ClientRoute fallback) {
        this.fallback = fallback;
    }

    @Override
    public void deliver(ByteBuf packet) {
        ClientRoute route = preferred;
        (route != null ? route : fallback).deliver(packet);
    }

    /** Sends over {@code route} from now on; cheap when it already is the preferred one. */
    public void prefer(ClientRoute route) {
        if (preferred != route) {
            preferred = route;
        }
    }

    /** Back to the fallback, but only if {@code route} is still the preferred one (a newer channel is kept). */
    public void withdraw(ClientRoute route) {
        PREFERRED.compareAndSet(this, route, (ClientRoute) null);
    }

    /** Back to the fallback whatever is preferred: the client chose to send over it. */
    public void useFallback() {
        if (preferred != null) {
            preferred = null;
        }
    }

    public boolean isOnFallback() {
        return preferred == null;
    }
}
