package io.github.tunnelgw.core.session;

import io.github.tunnelgw.core.net.Ipv4Address;
import io.github.tunnelgw.core.net.Ipv4Cidr;
import java.util.BitSet;

/**
 * The client addresses of the configured range: every address except the network address, the
 * gateway's own ({@code network + 1}) and the broadcast address. A session leases one at CONNECT
 * and returns it when it ends.
 *
 * <p>Addresses go out round-robin (the next free one after the last handed out), so an address
 * just released is not at once given to someone else while packets for the old client may still
 * be in flight. The assignable addresses are numbered 0..capacity-1 ({@link #indexOf}), which the
 * data path uses as an array index to find a session by destination address without a lock.
 *
 * <p>Thread-safe with one lock: leases change once per connection, never per packet.
 */
public final class LeasePool {
    /** The widest range: 2^24 addresses keeps the bit set at 2 MiB and every index an int. */
    public static final int MIN_PREFIX = 8;
    /** The narrowest range: a /30 has exactly one address besides network, gateway and broadcast. */
    public static final int MAX_PREFIX = 30;

    private final Ipv4Cidr network;
    private final int firstAssignable;
    private final int capacity;
    private final Object lock = new Object();
    // Guarded by lock.
    private final BitSet leased;
    private int nextIndex;
    private int inUse;

    public LeasePool(Ipv4Cidr network) {
        if (network.prefixLength() < MIN_PREFIX || network.prefixLength() > MAX_PREFIX) {
            throw new IllegalArgumentException("address pool " + network + ": the prefix length must be from /"
                    + MIN_PREFIX + " to /" + MAX_PREFIX);
        }
        this.network = network;
        this.firstAssignable = network.network() + 2;
        this.capacity = (int) (network.size() - 3);
        this.leased = new BitSet(capacity);
    }

    /** The range this pool hands out addresses from. */
    public Ipv4Cidr network() {
        return network;
    }

    /** The gateway's own address, the first after the network address; never leased. */
    public int gatewayAddress() {
        return network.network() + 1;
    }

    /**
     * Leases the next free address after the last one handed out.
     *
     * @throws PoolExhaustedException when every assignable address is leased
     */
    public int acquire() throws PoolExhaustedException {
        synchronized (lock) {
            if (inUse == capacity) {
                throw new PoolExhaustedException(network.toString(), inUse);
            }
            int index = leased.nextClearBit(nextIndex);
            if (index >= capacity) {
                index = leased.nextClearBit(0);
            }
            leased.set(index);
            inUse++;
            nextIndex = index + 1 == capacity ? 0 : index + 1;
            return firstAssignable + index;
        }
    }

    /**
     * Leases a particular address, for a client that reconnects and asks for its previous one.
     *
     * @return false when the address is already leased or is not an assignable address of the pool
     */
    public boolean acquireSpecific(int address) {
        int index = indexOf(address);
        if (index < 0) {
            return false;
        }
        synchronized (lock) {
            if (leased.get(index)) {
                return false;
            }
            leased.set(index);
            inUse++;
            return true;
        }
    }

    /**
     * Returns a leased address to the pool.
     *
     * @throws IllegalStateException when the address is not currently leased (never leased,
     *                               released twice, or outside the pool): a bookkeeping bug
     */
    public void release(int address) {
        int index = indexOf(address);
        if (index < 0) {
            throw new IllegalStateException(
                    "cannot release " + Ipv4Address.format(address) + ": not an assignable address of " + network);
        }
        synchronized (lock) {
            if (!leased.get(index)) {
                throw new IllegalStateException("cannot release " + Ipv4Address.format(address) + ": it is not leased");
            }
            leased.clear(index);
            inUse--;
        }
    }

    /** How many addresses are leased now. */
    public int inUse() {
        synchronized (lock) {
            return inUse;
        }
    }

    /** How many addresses the pool can lease: the range's size minus network, gateway and broadcast. */
    public int capacity() {
        return capacity;
    }

    /**
     * The array index of an assignable address, {@code address - (network + 2)}, or -1 when the
     * address is outside the assignable range. No lock: it depends only on the range.
     */
    public int indexOf(int address) {
        int offset = address - firstAssignable;
        // Unsigned compare: an address below the range wraps to a large offset and fails too.
        return Integer.compareUnsigned(offset, capacity) < 0 ? offset : -1;
    }

    /** The address at an array index (the inverse of {@link #indexOf}). */
    public int addressAt(int index) {
        if (index < 0 || index >= capacity) {
            throw new IndexOutOfBoundsException("index " + index + " is outside 0.." + (capacity - 1));
        }
        return firstAssignable + index;
    }

    @Override
    public String toString() {
        return "LeasePool[" + network + ", " + inUse() + "/" + capacity + " in use]";
    }
}
