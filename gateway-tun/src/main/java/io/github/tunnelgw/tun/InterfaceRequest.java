package io.github.tunnelgw.tun;

import com.sun.jna.Memory;

import java.nio.charset.StandardCharsets;

/**
 * {@code struct ifreq} (40 bytes on x86-64): the name in the first 16 bytes, then a union written by offset
 * (flags as a short, a sockaddr_in, or the MTU as an int), which is simpler than modelling the union as a Structure.
 */
final class InterfaceRequest {
    static final int SIZE = 40;
    private static final int UNION = 16;

    final Memory memory = new Memory(SIZE);

    /** @param name a name already checked by {@link InterfaceName} */
    InterfaceRequest(String name) {
        memory.clear();
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length > InterfaceName.MAX_LENGTH) {
            throw new IllegalArgumentException("interface name " + Quoted.of(name) + " is longer than "
                    + InterfaceName.MAX_LENGTH + " characters");
        }
        memory.write(0, bytes, 0, bytes.length);
    }

    /** The name, as the kernel may have rewritten it (a {@code %d} template becomes the chosen name). */
    String name() {
        return memory.getString(0, StandardCharsets.US_ASCII.name());
    }

    void flags(short flags) {
        memory.setShort(UNION, flags);
    }

    short flags() {
        return memory.getShort(UNION);
    }

    void mtu(int mtu) {
        memory.setInt(UNION, mtu);
    }

    int mtu() {
        return memory.getInt(UNION);
    }

    /** sockaddr_in: family in host order, port 0, address in network order. */
    void ipv4(int address) {
        memory.setShort(UNION, (short) LibC.AF_INET);
        memory.setShort(UNION + 2, (short) 0);
        memory.setByte(UNION + 4, (byte) (address >>> 24));
        memory.setByte(UNION + 5, (byte) (address >>> 16));
        memory.setByte(UNION + 6, (byte) (address >>> 8));
        memory.setByte(UNION + 7, (byte) address);
    }
}
