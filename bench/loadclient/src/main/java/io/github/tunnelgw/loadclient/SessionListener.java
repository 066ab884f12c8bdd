package io.github.tunnelgw.loadclient;

/** What a driver (login loop, hold) hears from one {@link AnyConnectSession}; called on its event loop. */
interface SessionListener {
    /** The server answered the CONNECT with 200: the tunnel is up. */
    void established(AnyConnectSession session);

    /** The attempt failed before the tunnel was up (reason is one short line, never a secret). */
    void failed(AnyConnectSession session, String reason);

    /** An established tunnel ended; {@code requested} is true when we closed it ourselves. */
    void ended(AnyConnectSession session, boolean requested, String reason);
}
