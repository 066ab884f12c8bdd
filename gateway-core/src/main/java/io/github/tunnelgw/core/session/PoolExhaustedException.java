package io.github.tunnelgw.core.session;

/** Every assignable address of the client range is leased; the connection has to be refused. */
public final class PoolExhaustedException extends Exception {
    private static final long serialVersionUID = 1L;

    public PoolExhaustedException(String network, int inUse) {
        super("address pool " + network + " is exhausted (" + inUse + " addresses in use)");
    }
}
