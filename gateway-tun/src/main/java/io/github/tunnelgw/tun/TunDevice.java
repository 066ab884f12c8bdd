package io.github.tunnelgw.tun;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;

import java.io.IOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A Linux tun device ({@code IFF_TUN | IFF_NO_PI | IFF_MULTI_QUEUE | IFF_VNET_HDR}) with one or more queues. Each queue is one
 * non-blocking open of {@code /dev/net/tun} attached to the same name; the kernel spreads flows across them. The
 * device is not persistent: it disappears when the last queue is closed.
 *
 * <p>The device is created in the network namespace of the calling thread.
 */
public final class TunDevice implements AutoCloseable {
    static final String CLONE_DEVICE = "/dev/net/tun";
    static final long TUNSETIFF = 0x400454CAL;
    static final short IFF_TUN = 0x0001;
    static final short IFF_NO_PI = 0x1000;
    static final short IFF_MULTI_QUEUE = 0x0100;
    /** A {@link VirtioNetHeader} on every packet, so that writes may carry TCP super-packets. */
    static final short IFF_VNET_HDR = 0x4000;
    static final long TUNSETOFFLOAD = 0x400454D0L;
    /** The device computes TCP/UDP checksums (left partial by the kernel) and segments IPv4 TCP (TSO). */
    static final long TUN_F_CSUM = 0x01;
    static final long TUN_F_TSO4 = 0x02;
    /** MAX_TAP_QUEUES in the kernel. */
    public static final int MAX_QUEUES = 256;

    private final String name;
    private final List<TunQueue> queues;

    private TunDevice(String name, List<TunQueue> queues) {
        this.name = name;
        this.queues = List.copyOf(queues);
    }

    /**
     * Creates the device, or attaches to an existing multi-queue tun of that name, with {@code queues} queues.
     *
     * @param name an interface name, or a template with one {@code %d} (such as {@code vpn%d}) that the kernel
     *             completes with the first free number
     * @throws IllegalArgumentException for a malformed name or a queue count outside 1..256
     * @throws IOException naming the cause, e.g. a missing capability or a non-tun device of that name
     */
    public static TunDevice open(String name, int queues) throws IOException {
        InterfaceName.requireValidOrTemplate(name);
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new IOException("virtio headers are read as little-endian; this host is big-endian");
        }
        if (queues < 1 || queues > MAX_QUEUES) {
            throw new IllegalArgumentException("tun queues must be 1.." + MAX_QUEUES + ", got " + queues);
        }
        NativeTransport.ensureLoaded();
        List<TunQueue> opened = new ArrayList<>(queues);
        String actualName = name;
        try {
            for (int i = 0; i < queues; i++) {
                TunQueue queue = openQueue(actualName, i);
                opened.add(queue);
                // Later queues attach by the name the kernel chose for the first one.
                actualName = queue.deviceName();
            }
        } catch (IOException | RuntimeException e) {
            opened.forEach(TunQueue::close);
            throw e;
        }
        return new TunDevice(actualName, opened);
    }

    private static TunQueue openQueue(String name, int index) throws IOException {
        int fd;
        try {
            fd = LibC.open(CLONE_DEVICE, LibC.O_RDWR | LibC.O_NONBLOCK | LibC.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException("cannot open " + CLONE_DEVICE + ": " + LibC.describe(e) + openHint(e.getErrorCode()));
        }
        try {
            InterfaceRequest request = new InterfaceRequest(name);
            request.flags((short) (IFF_TUN | IFF_NO_PI | IFF_MULTI_QUEUE | IFF_VNET_HDR));
            LibC.ioctl(fd, new NativeLong(TUNSETIFF), request.memory);
            // Offloads: the kernel then hands over whole TCP super-packets, which TunQueueReader cuts itself.
            LibC.ioctl(fd, new NativeLong(TUNSETOFFLOAD), new NativeLong(TUN_F_CSUM | TUN_F_TSO4));
            return new TunQueue(fd, request.name(), index, true);
        } catch (LastErrorException e) {
            LibC.close(fd);
            throw new IOException("cannot create tun device " + Quoted.of(name) + " (queue " + index + "): "
                    + LibC.describe(e) + attachHint(e.getErrorCode()));
        } catch (IOException | RuntimeException e) {
            LibC.close(fd);
            throw e;
        }
    }

    private static String openHint(int errno) {
        return switch (errno) {
            case LibC.ENOENT, LibC.ENODEV -> "; is the tun module loaded (modprobe tun)?";
            case LibC.EACCES, LibC.EPERM -> "; needs CAP_NET_ADMIN";
            default -> "";
        };
    }

    private static String attachHint(int errno) {
        return switch (errno) {
            case LibC.EPERM, LibC.EACCES -> "; needs CAP_NET_ADMIN";
            case LibC.EINVAL -> "; a device of that name exists and is not a multi-queue tun without packet info and with virtio headers";
            case LibC.EBUSY -> "; the device exists and is busy (another process owns its queues?)";
            default -> "";
        };
    }

    /** The interface name the kernel gave the device. */
    public String name() {
        return name;
    }

    /** The queues, in the order they were opened; {@link TunQueue#index()} is the position in this list. */
    public List<TunQueue> queues() {
        return queues;
    }

    /** Closes every queue; the device disappears with the last one. Stop the readers first. Idempotent. */
    @Override
    public void close() {
        queues.forEach(TunQueue::close);
    }
}
