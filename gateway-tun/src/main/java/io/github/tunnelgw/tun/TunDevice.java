package io.github.tunnelgw.tun;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A Linux tun device ({@code IFF_TUN | IFF_NO_PI | IFF_MULTI_QUEUE}) with one or more queues. Each queue is
 * one open of {@code /dev/net/tun} attached to the same name; the kernel spreads flows across them.
 */
public final class TunDevice implements AutoCloseable {
    static final long TUNSETIFF = 0x400454CAL;
    static final short IFF_TUN = 0x0001;
    static final short IFF_NO_PI = 0x1000;
    static final short IFF_MULTI_QUEUE = 0x0100;
    public static final int MAX_QUEUES = 16;

    private final String name;
    private final List<TunQueue> queues;

    private TunDevice(String name, List<TunQueue> queues) {
        this.name = name;
        this.queues = List.copyOf(queues);
    }

    /** @param name an interface name or a kernel pattern such as {@code vpn%d} */
    public static TunDevice open(String name, int queues) throws IOException {
        if (queues < 1 || queues > MAX_QUEUES) {
            throw new IllegalArgumentException("tun queues must be 1.." + MAX_QUEUES + ", got " + queues);
        }
        List<TunQueue> opened = new ArrayList<>();
        String actualName = name;
        try {
            for (int i = 0; i < queues; i++) {
                TunQueue queue = openQueue(actualName);
                opened.add(queue);
                actualName = queue.deviceName();
            }
        } catch (IOException | RuntimeException e) {
            opened.forEach(TunQueue::close);
            throw e;
        }
        return new TunDevice(actualName, opened);
    }

    private static TunQueue openQueue(String name) throws IOException {
        int fd;
        try {
            fd = LibC.open("/dev/net/tun", LibC.O_RDWR | LibC.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException("cannot open /dev/net/tun: " + LibC.describe(e));
        }
        try {
            InterfaceRequest request = new InterfaceRequest(name);
            request.flags((short) (IFF_TUN | IFF_NO_PI | IFF_MULTI_QUEUE));
            LibC.ioctl(fd, new NativeLong(TUNSETIFF), request.memory);
            int flags = LibC.fcntl(fd, LibC.F_GETFL, 0);
            LibC.fcntl(fd, LibC.F_SETFL, flags | LibC.O_NONBLOCK);
            return new TunQueue(fd, request.name());
        } catch (LastErrorException e) {
            LibC.close(fd);
            throw new IOException("cannot create tun device '" + name + "': " + LibC.describe(e));
        } catch (RuntimeException e) {
            LibC.close(fd);
            throw e;
        }
    }

    public String name() {
        return name;
    }

    public List<TunQueue> queues() {
        return queues;
    }

    @Override
    public void close() {
        queues.forEach(TunQueue::close);
    }
}
