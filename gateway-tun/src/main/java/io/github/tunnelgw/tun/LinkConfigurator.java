package io.github.tunnelgw.tun;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;

import java.io.IOException;
import java.net.Inet4Address;

/** IPv4 link setup through the SIOCS* ioctls on a throwaway AF_INET socket: address, netmask, MTU, up. */
public final class LinkConfigurator {
    static final long SIOCGIFFLAGS = 0x8913;
    static final long SIOCSIFFLAGS = 0x8914;
    static final long SIOCSIFADDR = 0x8916;
    static final long SIOCSIFNETMASK = 0x891C;
    static final long SIOCGIFMTU = 0x8921;
    static final long SIOCSIFMTU = 0x8922;
    static final short IFF_UP = 0x1;
    static final short IFF_RUNNING = 0x40;

    private LinkConfigurator() {
    }

    public static void configure(String ifname, Inet4Address address, int prefixLength, int mtu) throws IOException {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length must be 0..32, got " + prefixLength);
        }
        int addr = toInt(address);
        int mask = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
        withSocket(ifname, socket -> {
            InterfaceRequest request = new InterfaceRequest(ifname);
            request.ipv4(addr);
            ioctl(socket, SIOCSIFADDR, request, "set address of " + ifname);
            request = new InterfaceRequest(ifname);
            request.ipv4(mask);
            ioctl(socket, SIOCSIFNETMASK, request, "set netmask of " + ifname);
            request = new InterfaceRequest(ifname);
            request.mtu(mtu);
            ioctl(socket, SIOCSIFMTU, request, "set MTU of " + ifname);
            request = new InterfaceRequest(ifname);
            ioctl(socket, SIOCGIFFLAGS, request, "read flags of " + ifname);
            request.flags((short) (request.flags() | IFF_UP | IFF_RUNNING));
            ioctl(socket, SIOCSIFFLAGS, request, "bring up " + ifname);
            return null;
        });
    }

    public static int mtu(String ifname) throws IOException {
        return withSocket(ifname, socket -> {
            InterfaceRequest request = new InterfaceRequest(ifname);
            ioctl(socket, SIOCGIFMTU, request, "read MTU of " + ifname);
            return request.mtu();
        });
    }

    private interface SocketAction<T> {
        T run(int socket) throws IOException;
    }

    private static <T> T withSocket(String ifname, SocketAction<T> action) throws IOException {
        int socket;
        try {
            socket = LibC.socket(LibC.AF_INET, LibC.SOCK_DGRAM, 0);
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
            throw new IOException("cannot " + what + ": " + LibC.describe(e));
        }
    }

    private static int toInt(Inet4Address address) {
        byte[] b = address.getAddress();
        return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
    }
}
