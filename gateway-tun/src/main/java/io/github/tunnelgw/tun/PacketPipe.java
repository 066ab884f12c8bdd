package io.github.tunnelgw.tun;

import com.sun.jna.LastErrorException;
import io.netty.channel.unix.FileDescriptor;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A stand-in for a tun device where no device may be made: a connected pair of Unix packet sockets
 * ({@code SOCK_SEQPACKET}, which keep packet boundaries as a tun queue does). One end is a non-blocking
 * {@link TunQueue} with the virtio header, read and written by exactly the code that serves a real queue; the other
 * end, the <em>far</em> end, plays the kernel: it receives what the queue side writes, virtio header first, and what
 * it sends comes out of the queue's reads.
 *
 * <p>The data-path warm-up runs the gateway's packet paths over one, so that nothing of it touches the host's
 * network. The far end blocks; {@link #close()} wakes a thread blocked on it.
 */
public final class PacketPipe implements AutoCloseable {
    /** Bytes of virtio header in front of each packet at the far end. */
    public static final int HEADER_LENGTH = VirtioNetHeader.LENGTH;

    private final TunQueue queue;
    private final int farFd;
    private final FileDescriptor far;
    private volatile boolean closed;

    private PacketPipe(TunQueue queue, int farFd) {
        this.queue = queue;
        this.farFd = farFd;
        this.far = new FileDescriptor(farFd);
    }

    /** @param name what the queue calls its device in messages */
    public static PacketPipe open(String name) throws IOException {
        NativeTransport.ensureLoaded();
        int[] pair = new int[2];
        try {
            LibC.socketpair(LibC.AF_UNIX, LibC.SOCK_SEQPACKET | LibC.SOCK_CLOEXEC, 0, pair);
        } catch (LastErrorException e) {
            throw new IOException("cannot make a packet pipe: " + LibC.describe(e), e);
        }
        try {
            LibC.fcntl(pair[0], LibC.F_SETFL, LibC.fcntl(pair[0], LibC.F_GETFL, 0) | LibC.O_NONBLOCK);
            return new PacketPipe(new TunQueue(pair[0], name, 0, true), pair[1]);
        } catch (LastErrorException | IOException e) {
            closeQuietly(pair[0]);
            closeQuietly(pair[1]);
            throw e instanceof LastErrorException error
                    ? new IOException("cannot make a packet pipe: " + LibC.describe(error), e) : (IOException) e;
        }
    }

    /** The tun-like end. */
    public TunQueue queue() {
        return queue;
    }

    /**
     * Blocks until the queue side has written a packet and puts it, virtio header first, at {@code into}'s position;
     * the position does not move.
     *
     * @return its length with the header, or -1 once the pipe is closed
     */
    public int receive(ByteBuffer into) throws IOException {
        int n = far.read(into, into.position(), into.limit());
        return n > 0 ? n : -1;
    }

    /**
     * Sends the bytes between {@code from}'s position and limit, a virtio header and a packet, to the queue side as
     * one packet, blocking while the queue side's buffer is full.
     *
     * @return false once the pipe is closed
     */
    public boolean send(ByteBuffer from) throws IOException {
        if (closed) {
            return false;
        }
        return far.write(from, from.position(), from.limit()) == from.remaining();
    }

    /** Wakes a thread blocked on the far end, then closes both ends. Stop the queue's reader first. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            LibC.shutdown(farFd, LibC.SHUT_RDWR);
        } catch (LastErrorException ignored) {
            // nothing was blocked on it, or it is already shut
        }
        try {
            far.close();
        } catch (IOException ignored) {
            // close(2) releases the descriptor even when it reports an error
        }
        queue.close();
    }

    private static void closeQuietly(int fd) {
        try {
            LibC.close(fd);
        } catch (LastErrorException ignored) {
            // closing what nobody uses any more
        }
    }

    @Override
    public String toString() {
        return "packet pipe " + queue.deviceName();
    }
}
