package io.github.tunnelgw.tun;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;

import java.io.IOException;
import java.net.Inet4Address;
import java.util.Objects;

/**
 * IPv4 link setup with the SIOC* ioctls on a throwaway AF_INET datagram socket: address, netmask, MTU, up. The
 * socket, and so the interface it finds, belongs to the network namespace of the calling thread.
 */
public final class LinkConfigurator {
    static final long SIOCGIFFLAGS = 0x8913;
    static final long SIOCSIFFLAGS = 0x8914;
    static final long SIOCSIFADDR = 0x8916;
    static final long SIOCSIFNETMASK = 0x891C;
    static final long SIOCGIFMTU = 0x8921;
    static final long SIOCSIFMTU = 0x8922;
    static final short IFF_UP = 0x1;
    /** IPv4's minimum MTU (RFC 791) and the largest packet. */
    public static final int MIN_MTU = 68;
    public static final int MAX_MTU = 65_535;

    private LinkConfigurator() {
    }

    /**
     * Gives the interface {@code address/prefixLength}, sets its MTU and brings it up. The kernel adds the
     * connected route for the prefix.
     */
    public static void configure(String ifname, Inet4Address address, int prefixLength, int mtu) throws IOException {
        InterfaceName.requireValid(ifname);
        Objects.requireNonNull(address, "address");
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length must be 0..32, got " + prefixLength);
        }
        if (mtu < MIN_MTU || mtu > MAX_MTU) {
            throw new IllegalArgumentException("MTU must be " + MIN_MTU + ".." + MAX_MTU + ", got " + mtu);
        }
        int addr = Ipv4Header.toInt(address);
        int mask = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
        withSocket(ifname, socket -> {
            InterfaceRequest request = new InterfaceRequest(ifname);
            request.ipv4(addr);
            ioctl(socket, SIOCSIFADDR, request, "set address of " + ifname);
            // SIOCSIFADDR applied a classful netmask; the real one replaces it (and its connected route).
            request = new InterfaceRequest(ifname);
            request.ipv4(mask);
            ioctl(socket, SIOCSIFNETMASK, request, "set netmask of " + ifname);
            request = new InterfaceRequest(ifname);
            request.mtu(mtu);
            ioctl(socket, SIOCSIFMTU, request, "set MTU of " + ifname);
            request = new InterfaceRequest(ifname);
            ioctl(socket, SIOCGIFFLAGS, request, "read flags of " + ifname);
            request.flags((short) (request.flags() | IFF_UP));
            ioctl(socket, SIOCSIFFLAGS, request, "bring up " + ifname);
            return null;
        });
    }

    public static int mtu(String ifname) throws IOException {
        InterfaceName.requireValid(ifname);
        return withSocket(ifname, socket -> {
            InterfaceRequest request = new InterfaceRequest(ifname);
            ioctl(socket, SIOCGIFMTU, request, "read MTU of " + ifname);
            return request.mtu();
        });
    }

    /** Whether the interface is administratively up (IFF_UP). */
    public static boolean isUp(String ifname) throws IOException {
        InterfaceName.requireValid(ifname);
        return withSocket(ifname, socket -> {
            InterfaceRequest request = new InterfaceRequest(ifname);
            ioctl(socket, SIOCGIFFLAGS, request, "read flags of " + ifname);
            return (request.flags() & IFF_UP) != 0;
        });
    }

    private interface SocketAction<T> {
        T run(int socket) throws IOException;
    }

    private static <T> T withSocket(String ifname, SocketAction<T> action) throws IOException {
        int socket;
        try {
            socket = LibC.socket(LibC.AF_INET, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw new IOException("cannot open a control socket for " + ifname + ": " + LibC.describe(e));
        }
        try {
            return action.run(socket);
        } finally {
            LibC.close(socket);
        }
    }

    private static void ioctl(int socket, long request, InterfaceRequest ifr, String what) throws IOException {
        try {
            LibC.ioctl(socket, new NativeLong(request), ifr.memory);
        } catch (LastErrorException e) {
            String hint = switch (e.getErrorCode()) {
                case LibC.EPERM, LibC.EACCES -> "; needs CAP_NET_ADMIN";
                case LibC.ENODEV -> "; no such interface in this network namespace";
                default -> "";
            };
            throw new IOException("cannot " + what + ": " + LibC.describe(e) + hint);
        }
    }
}
