package io.github.tunnelgw.tun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.FastThreadLocal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;

/**
 * One non-blocking queue (file descriptor) of a tun device. Packets move between the kernel and a direct ByteBuf's
 * memory through Netty's JNI ({@link FileDescriptor#readAddress}, {@link FileDescriptor#writeAddress}): no copy,
 * no allocation and no JNA call per packet.
 *
 * <p>Threads: {@link #read} belongs to one reader (see {@link TunQueueReader}, on an event loop); {@link #write} may
 * be called from any number of threads at once, since the kernel takes each write as one packet. Stop the reader
 * before closing the device: a closed descriptor number can be reused by the next open.
 */
public final class TunQueue {
    /** The largest IPv4 packet; a heap packet is copied into a direct scratch buffer of this size. */
    static final int MAX_PACKET = 65_535;
    private static final FastThreadLocal<ByteBuf> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected ByteBuf initialValue() {
            return Unpooled.directBuffer(MAX_PACKET, MAX_PACKET);
        }

        @Override
        protected void onRemoval(ByteBuf scratch) {
            scratch.release();
        }
    };

    private final FileDescriptor fd;
    private final String deviceName;
    private final int index;
    private final LongAdder writeErrors = new LongAdder();

    /** @param fd an open, non-blocking descriptor that keeps packet boundaries (a tun queue) */
    TunQueue(int fd, String deviceName, int index) throws IOException {
        NativeTransport.ensureLoaded();
        this.fd = new FileDescriptor(fd);
        this.deviceName = deviceName;
        this.index = index;
    }

    /** The name of the device this queue belongs to. */
    public String deviceName() {
        return deviceName;
    }

    /** For registering the queue with an epoll event loop ({@link TunQueueReader}). */
    FileDescriptor fileDescriptor() {
        return fd;
    }

    /** The position of this queue in {@link TunDevice#queues()}. */
    public int index() {
        return index;
    }

    /**
     * Reads one packet into the writable space of a direct buffer, at its writer index, and advances the writer
     * index. The buffer does not grow: a packet longer than the writable space is cut by the kernel, so give it
     * room for the link MTU.
     *
     * @return the packet length, or 0 when no packet is ready
     * @throws IOException if the kernel reports an error or the queue is closed
     * @throws IllegalArgumentException if the buffer is not direct or has no writable space
     */
    public int read(ByteBuf into) throws IOException {
        int start = into.writerIndex();
        int limit = into.capacity();
        if (start >= limit) {
            throw new IllegalArgumentException("no room to read a packet into: writer index " + start
                    + " is at the capacity " + limit);
        }
        int n;
        if (into.hasMemoryAddress()) {
            n = fd.readAddress(into.memoryAddress(), start, limit);
        } else if (into.isDirect() && into.nioBufferCount() == 1) {
            ByteBuffer nio = into.internalNioBuffer(start, limit - start);
            n = fd.read(nio, nio.position(), nio.limit());
        } else {
            throw new IllegalArgumentException("tun reads need a direct buffer, got " + into.getClass().getSimpleName());
        }
        if (n > 0) {
            into.writerIndex(start + n);
            return n;
        }
        if (n == 0) {
            return 0;
        }
        throw new IOException("tun queue " + this + " reached end of file: the device is gone");
    }

    /**
     * Writes the readable bytes as one packet. The reader index does not move. A buffer without a memory address
     * and no single NIO view (heap or composite) is first copied into a per-thread direct scratch buffer.
     *
     * @return true if the kernel took the packet; false if it dropped it (EAGAIN), if the packet is empty or longer
     * than 65,535 bytes, or if the kernel refused it (for example an unknown IP version, or the link is down).
     * Refusals are counted in {@link #writeErrors()}; nothing is logged.
     */
    public boolean write(ByteBuf packet) {
        int length = packet.readableBytes();
        if (length == 0 || length > MAX_PACKET) {
            return false;
        }
        try {
            if (packet.hasMemoryAddress()) {
                return fd.writeAddress(packet.memoryAddress(), packet.readerIndex(), packet.writerIndex()) == length;
            }
            if (packet.isDirect() && packet.nioBufferCount() == 1) {
                // Netty without Unsafe (its default on JDK 25) gives direct buffers no address; their NIO view
                // still reaches the kernel without a copy
                ByteBuffer nio = packet.internalNioBuffer(packet.readerIndex(), length);
                return fd.write(nio, nio.position(), nio.limit()) == length;
            }
            ByteBuf scratch = SCRATCH.get();
            packet.getBytes(packet.readerIndex(), scratch, 0, length);
            return writeScratch(scratch, length) == length;
        } catch (IOException e) {
            writeErrors.increment();
            return false;
        }
    }

    private int writeScratch(ByteBuf scratch, int length) throws IOException {
        if (scratch.hasMemoryAddress()) {
            return fd.writeAddress(scratch.memoryAddress(), 0, length);
        }
        ByteBuffer nio = scratch.internalNioBuffer(0, length);
        return fd.write(nio, nio.position(), nio.limit());
    }

    /** Writes the kernel refused (not counting EAGAIN drops, which {@link #write} reports as false). */
    public long writeErrors() {
        return writeErrors.sum();
    }

    public boolean isClosed() {
        return !fd.isOpen();
    }

    void close() {
        try {
            fd.close();
        } catch (IOException ignored) {
            // close(2) releases the descriptor even when it reports an error; nothing is left to clean up.
        }
    }

    @Override
    public String toString() {
        return deviceName + "#" + index;
    }
}
