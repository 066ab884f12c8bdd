package io.github.tunnelgw.tun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.FastThreadLocal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.LongAdder;

/**
 * One non-blocking queue (file descriptor) of a tun device. Packets move between the kernel and a direct ByteBuf's
 * memory through Netty's JNI ({@link FileDescriptor#read}, {@link FileDescriptor#writev}): no copy, no allocation and
 * no JNA call per packet.
 *
 * <p>A queue of a {@link TunDevice} carries a {@link VirtioNetHeader} in front of every packet. Reads put it in the
 * caller's headroom, just before the packet; writes send it from a per-thread buffer of their own, so callers never
 * see it. It is what {@link #writeTcpSegments} uses to hand the kernel one super-packet for many TCP segments.
 *
 * <p>Threads: {@link #read} belongs to one reader (see {@link TunQueueReader}, on an event loop); the writes may be
 * called from any number of threads at once, since the kernel takes each write as one packet. Stop the reader
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
    /** Per thread: the I/O vector of a write, {header, packet}, and the two headers it may carry. */
    private static final FastThreadLocal<WriteVector> VECTOR = new FastThreadLocal<>() {
        @Override
        protected WriteVector initialValue() {
            return new WriteVector();
        }
    };

    private final FileDescriptor fd;
    private final String deviceName;
    private final int index;
    private final int headerBytes;
    private final LongAdder writeErrors = new LongAdder();

    /**
     * @param fd           an open, non-blocking descriptor that keeps packet boundaries (a tun queue)
     * @param virtioHeader whether the descriptor carries a {@link VirtioNetHeader} before each packet
     */
    TunQueue(int fd, String deviceName, int index, boolean virtioHeader) throws IOException {
        NativeTransport.ensureLoaded();
        this.fd = new FileDescriptor(fd);
        this.deviceName = deviceName;
        this.index = index;
        this.headerBytes = virtioHeader ? VirtioNetHeader.LENGTH : 0;
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

    /** Bytes a read needs free in front of the buffer's writer index (for the virtio header): 0 or 10. */
    public int readHeadroom() {
        return headerBytes;
    }

    /**
     * Reads one packet into the writable space of a direct buffer, at its writer index, and advances the writer
     * index. The {@link #readHeadroom()} bytes before the writer index are overwritten. The buffer does not grow: a
     * packet longer than the writable space is cut by the kernel, so give it room for the link MTU.
     *
     * @return the packet length, or 0 when no packet is ready
     * @throws IOException if the kernel reports an error or the queue is closed
     * @throws IllegalArgumentException if the buffer is not direct, has no writable space or too little headroom
     */
    public int read(ByteBuf into) throws IOException {
        int start = into.writerIndex();
        int limit = into.capacity();
        int at = start - headerBytes;
        if (start >= limit) {
            throw new IllegalArgumentException("no room to read a packet into: writer index " + start
                    + " is at the capacity " + limit);
        }
        if (at < 0) {
            throw new IllegalArgumentException("a read needs " + headerBytes + " bytes before the writer index for the"
                    + " virtio header, got " + start);
        }
        int n;
        if (into.hasMemoryAddress()) {
            n = fd.readAddress(into.memoryAddress(), at, limit);
        } else if (into.isDirect() && into.nioBufferCount() == 1) {
            ByteBuffer nio = into.internalNioBuffer(at, limit - at);
            n = fd.read(nio, nio.position(), nio.limit());
        } else {
            throw new IllegalArgumentException("tun reads need a direct buffer, got " + into.getClass().getSimpleName());
        }
        if (n > headerBytes) {
            into.writerIndex(at + n);
            return n - headerBytes;
        }
        if (n == 0) {
            return 0;
        }
        if (n > 0) {
            throw new IOException("tun queue " + this + " returned " + n + " bytes, no more than its virtio header");
        }
        throw new IOException("tun queue " + this + " reached end of file: the device is gone");
    }

    /**
     * Writes the readable bytes as one packet. The reader index does not move. A buffer without a single direct NIO
     * view (heap or composite) is first copied into a per-thread direct scratch buffer.
     *
     * @return true if the kernel took the packet; false if it dropped it (EAGAIN), if the packet is empty or longer
     * than 65,535 bytes, or if the kernel refused it (for example an unknown IP version, or the link is down).
     * Refusals are counted in {@link #writeErrors()}; nothing is logged.
     */
    public boolean write(ByteBuf packet) {
        if (headerBytes == 0) {
            return writeBare(packet);
        }
        WriteVector vector = VECTOR.get();
        return writeWithHeader(vector, vector.plain, packet);
    }

    /**
     * Writes an IPv4 TCP super-packet (generic segmentation offload): one IP and TCP header, then the payload of
     * several segments. The kernel forwards it as one packet and cuts it into segments of {@code segmentSize}
     * payload bytes where it must, each with copies of the headers; it also fills in the TCP checksums, so the
     * checksum field must hold the (not complemented) pseudo-header sum over the whole TCP length.
     *
     * @return as {@link #write}; false without writing if this queue has no virtio header
     */
    public boolean writeTcpSegments(ByteBuf packet, int ipHeaderLength, int tcpHeaderLength, int segmentSize) {
        if (headerBytes == 0) {
            return false;
        }
        WriteVector vector = VECTOR.get();
        VirtioNetHeader.tcp4Segments(vector.segments, ipHeaderLength, ipHeaderLength + tcpHeaderLength, segmentSize);
        return writeWithHeader(vector, vector.segments, packet);
    }

    /**
     * Writes an IPv4 UDP super-packet (generic segmentation offload): one IP and UDP header, then the payloads of
     * several datagrams of one flow, each {@code segmentSize} bytes but the last. The kernel forwards it as one
     * packet and cuts it into the original datagrams where it must (at the latest at the receiving socket); the UDP
     * length field must hold the whole UDP length and the checksum field the (not complemented) pseudo-header sum
     * over it.
     *
     * @return as {@link #write}; false without writing if this queue has no virtio header
     */
    public boolean writeUdpSegments(ByteBuf packet, int ipHeaderLength, int segmentSize) {
        if (headerBytes == 0) {
            return false;
        }
        WriteVector vector = VECTOR.get();
        VirtioNetHeader.udpSegments(vector.segments, ipHeaderLength, segmentSize);
        return writeWithHeader(vector, vector.segments, packet);
    }

    private boolean writeWithHeader(WriteVector vector, ByteBuffer header, ByteBuf packet) {
        int length = packet.readableBytes();
        if (length == 0 || length > MAX_PACKET) {
            return false;
        }
        if (vector.addresses != null && packet.hasMemoryAddress()) {
            return writeAddresses(vector, header, packet, length);
        }
        ByteBuffer body;
        if (packet.isDirect() && packet.nioBufferCount() == 1) {
            body = packet.internalNioBuffer(packet.readerIndex(), length);
        } else {
            ByteBuf scratch = SCRATCH.get();
            packet.getBytes(packet.readerIndex(), scratch, 0, length);
            body = scratch.internalNioBuffer(0, length);
        }
        vector.buffers[0] = header;
        vector.buffers[1] = body;
        try {
            return fd.writev(vector.buffers, 0, 2, Long.MAX_VALUE) == headerBytes + length;
        } catch (IOException e) {
            writeErrors.increment();
            return false;
        } finally {
            vector.buffers[1] = null;
        }
    }

    private boolean writeBare(ByteBuf packet) {
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
            ByteBuffer nio = scratch.internalNioBuffer(0, length);
            return fd.write(nio, nio.position(), nio.limit()) == length;
        } catch (IOException e) {
            writeErrors.increment();
            return false;
        }
    }

    /** Writes the kernel refused (not counting EAGAIN drops, which the writes report as false). */
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

    /**
     * The I/O vector in native memory, {header, packet}, built from addresses: the kernel reads it directly, where
     * {@link FileDescriptor#writev} has the JNI code look up each {@code ByteBuffer}'s address and bounds first.
     */
    private boolean writeAddresses(WriteVector vector, ByteBuffer header, ByteBuf packet, int length) {
        ByteBuf iov = vector.addresses;
        iov.setLongLE(0, header == vector.plain ? vector.plainAddress : vector.segmentsAddress);
        iov.setLongLE(8, headerBytes);
        iov.setLongLE(16, packet.memoryAddress() + packet.readerIndex());
        iov.setLongLE(24, length);
        try {
            return fd.writevAddresses(iov.memoryAddress(), 2) == headerBytes + length;
        } catch (IOException e) {
            writeErrors.increment();
            return false;
        }
    }

    private static final class WriteVector {
        final ByteBuffer[] buffers = new ByteBuffer[2];
        final ByteBuffer plain = VirtioNetHeader.plain();
        final ByteBuffer segments = VirtioNetHeader.plain();
        /** Two {@code struct iovec}s, or null where Netty gives direct buffers no address (then {@link #buffers}). */
        final ByteBuf addresses;
        final long plainAddress;
        final long segmentsAddress;

        WriteVector() {
            ByteBuf plainView = Unpooled.wrappedBuffer(plain);
            ByteBuf segmentsView = Unpooled.wrappedBuffer(segments);
            ByteBuf iov = Unpooled.directBuffer(32, 32);
            boolean byAddress = plainView.hasMemoryAddress() && segmentsView.hasMemoryAddress() && iov.hasMemoryAddress()
                    && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
            if (!byAddress) {
                iov.release();
            }
            this.addresses = byAddress ? iov : null;
            this.plainAddress = byAddress ? plainView.memoryAddress() : 0;
            this.segmentsAddress = byAddress ? segmentsView.memoryAddress() : 0;
        }
    }
}
