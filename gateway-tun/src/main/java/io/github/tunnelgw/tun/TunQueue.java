package io.github.tunnelgw.tun;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import io.netty.buffer.ByteBuf;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.buffer.Unpooled;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One non-blocking tun queue. Packets move between the kernel and a direct ByteBuf's memory through Netty's JNI
 * ({@link FileDescriptor#readAddress}/{@link FileDescriptor#writeAddress}): no copy, no allocation, no JNA call
 * per packet.
 */
public final class TunQueue {
    private static final int SCRATCH_SIZE = 65536;
    private static final FastThreadLocal<ByteBuf> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected ByteBuf initialValue() {
            return Unpooled.directBuffer(SCRATCH_SIZE, SCRATCH_SIZE);
        }
    };

    static {
        Epoll.ensureAvailability();
    }

    private final int fd;
    private final FileDescriptor descriptor;
    private final String deviceName;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** struct pollfd reused by the single reader thread of this queue. */
    private final Memory pollfd = new Memory(8);

    TunQueue(int fd, String deviceName) {
        this.fd = fd;
        this.descriptor = new FileDescriptor(fd);
        this.deviceName = deviceName;
    }

    String deviceName() {
        return deviceName;
    }

    /** Reads one packet into the writable space of a direct buffer. Returns its length, or 0 if none is ready. */
    public int read(ByteBuf into) throws IOException {
        int n = descriptor.readAddress(into.memoryAddress(), into.writerIndex(), into.capacity());
        if (n > 0) {
            into.writerIndex(into.writerIndex() + n);
        }
        return Math.max(n, 0);
    }

    /** Writes the readable bytes as one packet; false if the kernel dropped it. Does not move the reader index. */
    public boolean write(ByteBuf packet) {
        int length = packet.readableBytes();
        try {
            if (packet.hasMemoryAddress()) {
                return descriptor.writeAddress(packet.memoryAddress(), packet.readerIndex(), packet.writerIndex()) == length;
            }
            ByteBuf scratch = SCRATCH.get();
            if (length > SCRATCH_SIZE) {
                return false;
            }
            scratch.clear();
            packet.getBytes(packet.readerIndex(), scratch, 0, length);
            return descriptor.writeAddress(scratch.memoryAddress(), 0, length) == length;
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits until a packet can be read, for at most {@code timeoutMillis}. Only one thread may call this. */
    public boolean awaitReadable(int timeoutMillis) throws IOException {
        try {
            pollfd.setInt(0, fd);
            pollfd.setShort(4, LibC.POLLIN);
            pollfd.setShort(6, (short) 0);
            int ready = LibC.poll(pollfd, new NativeLong(1), timeoutMillis);
            return ready > 0 && (pollfd.getShort(6) & LibC.POLLIN) != 0;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == 4) {
                return false;
            }
            throw new IOException("poll on tun queue of " + deviceName + ": " + LibC.describe(e));
        }
    }

    public boolean isClosed() {
        return closed.get();
    }

    void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                LibC.close(fd);
            } catch (LastErrorException ignored) {
                // already gone
            }
        }
    }
}
