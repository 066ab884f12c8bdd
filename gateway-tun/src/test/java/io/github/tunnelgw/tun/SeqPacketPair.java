package io.github.tunnelgw.tun;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;

import java.io.IOException;

/**
 * Two connected AF_UNIX SOCK_SEQPACKET sockets, non-blocking, wrapped as {@link TunQueue}s. Like a tun queue they
 * keep message boundaries (one read, one packet), so the queue and reader logic can be tested without root.
 */
final class SeqPacketPair implements AutoCloseable {
    private static final int AF_UNIX = 1;
    private static final int SOCK_SEQPACKET = 5;
    private static final int SOCK_NONBLOCK = 0x800;

    static final class C {
        static {
            Native.register(C.class, "c");
        }

        static native int socketpair(int domain, int type, int protocol, int[] fds) throws LastErrorException;
    }

    final TunQueue a;
    final TunQueue b;

    SeqPacketPair() throws IOException {
        this(false);
    }

    /** @param virtioHeaderOnB whether b writes a virtio header before each packet, as a tun queue does (a reads raw) */
    SeqPacketPair(boolean virtioHeaderOnB) throws IOException {
        int[] fds = new int[2];
        C.socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | LibC.SOCK_CLOEXEC, 0, fds);
        a = new TunQueue(fds[0], "pair-a", 0, false);
        b = new TunQueue(fds[1], "pair-b", 1, virtioHeaderOnB);
    }

    @Override
    public void close() {
        a.close();
        b.close();
    }
}
