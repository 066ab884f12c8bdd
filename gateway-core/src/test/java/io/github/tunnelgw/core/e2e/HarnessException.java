package io.github.tunnelgw.core.e2e;

/** A step of the end-to-end harness itself failed (a command, a namespace, a process), as opposed to an assertion. */
final class HarnessException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    HarnessException(String message) {
        super(message);
    }

    HarnessException(String message, Throwable cause) {
        super(message, cause);
    }
}
