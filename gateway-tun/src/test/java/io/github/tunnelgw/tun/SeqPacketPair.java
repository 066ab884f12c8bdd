package io.github.tunnelgw.tun;

import java.io.IOException;

/**
 * Two connected AF_UNIX SOCK_SEQPACKET sockets, non-blocking, wrapped as {@link TunQueue}s. Like a tun queue they
 * keep message boundaries (one read, one packet), so the queue and reader logic can be tested without root.
 */
final class SeqPacketPair implements AutoCloseable {
    private static final int SOCK_NONBLOCK = 0x800;

    final TunQueue a;
    final TunQueue b;

    SeqPacketPair() throws IOException {
        this(false);
    }

    /** @param virtioHeaderOnB whether b writes a virtio header before each packet, as a tun queue does (a reads raw) */
    SeqPacketPair(boolean virtioHeaderOnB) throws IOException {
        int[] fds = new int[2];
        LibC.socketpair(LibC.AF_UNIX, LibC.SOCK_SEQPACKET | SOCK_NONBLOCK | LibC.SOCK_CLOEXEC, 0, fds);
        a = new TunQueue(fds[0], "pair-a", 0, false);
        b = new TunQueue(fds[1], "pair-b", 1, virtioHeaderOnB);
    }

    @Override
    public void close() {
        a.close();
        b.close();
    }
}
