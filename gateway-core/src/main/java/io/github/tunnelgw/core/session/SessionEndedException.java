package io.github.tunnelgw.core.session;

/** The session ended between the cookie lookup and the attach (a logout raced with a reconnect). */
public final class SessionEndedException extends Exception {
    private static final long serialVersionUID = 1L;

    public SessionEndedException() {
        super("session has ended", null, false, false);
    }
}
