package io.github.tunnelgw.core.session;

import io.github.tunnelgw.core.dataplane.ClientRoute;

/** A live tunnel connection of a session (today the CSTP channel). */
public interface TunnelConnection {
    ClientRoute route();

    /** Tells the client the session is over (CSTP DISCONNECT) and closes the connection. */
    void disconnect(EndReason reason);

    /** Closes the connection without a goodbye, e.g. when a reconnect replaces it. */
    void close();
}
