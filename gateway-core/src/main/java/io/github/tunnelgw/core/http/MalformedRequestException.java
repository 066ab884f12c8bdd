package io.github.tunnelgw.core.http;

/** A request the gateway will not act on; the message is safe to log and says what was wrong. */
public final class MalformedRequestException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedRequestException(String message) {
        super(message, null, false, false);
    }
}
