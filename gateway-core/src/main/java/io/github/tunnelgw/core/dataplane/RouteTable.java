package io.github.tunnelgw.core.dataplane;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntUnaryOperator;

/**
 * Leased address to client route, O(1) and lock-free: one array slot per assignable address of the pool.
 * The packet path only reads; sessions write when they attach or go away.
 */
public final class RouteTable {
    private final AtomicReferenceArray<ClientRoute> slots;
    private final IntUnaryOperator indexOf;

    /** @param indexOf maps an address to its slot, or -1 when the address is not assignable */
    public RouteTable(int capacity, IntUnaryOperator indexOf) {
        this.slots = new AtomicReferenceArray<>(capacity);
        this.indexOf = indexOf;
    }

    public ClientRoute lookup(int address) {
        int index = indexOf.applyAsInt(address);
        return index < 0 ? null : slots.getAcquire(index);
    }

    public void register(int address, ClientRoute route) {
        slots.set(slot(address), route);
    }

    /** Removes {@code route} only if it is still the one registered, so a replaced connection cannot evict its successor. */
    public void unregister(int address, ClientRoute route) {
        slots.compareAndSet(slot(address), route, null);
    }

    private int slot(int address) {
        int index = indexOf.applyAsInt(address);
        if (index < 0) {
            throw new IllegalArgumentException("address is not in the client pool");
        }
        return index;
    }
}
