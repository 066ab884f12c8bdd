package io.github.tunnelgw.core.session;

/**
 * Why a session ended. An ended session's cookie is invalid at once; a mere connection drop is not an end
 * (the cookie stays valid for {@code timeouts.cookie} so the client can reconnect).
 */
public enum EndReason {
    /** The client sent DISCONNECT with the logout code (0xB0). */
    LOGOUT,
    /** The session lifetime ({@code timeouts.session}) ran out. */
    SESSION_TIMEOUT,
    /** The client broke the protocol (malformed CSTP frame). */
    PROTOCOL_ERROR,
    /** The gateway is shutting down, or an operator ended it. */
    SERVER_TERMINATED,
    /** The client stayed away longer than {@code timeouts.cookie} after its connection dropped. */
    COOKIE_EXPIRED
}
