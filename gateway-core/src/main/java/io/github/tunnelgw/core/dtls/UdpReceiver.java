package io.github.tunnelgw.core.dtls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.util.NoSuchElementException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Receives the DTLS listener's datagrams itself instead of through Netty's datagram channel: {@code recvmmsg} through
 * the JDK's foreign function API, into slots of memory it owns, on the listener's event loop.
 *
 * <p>Why: for each {@code recvmmsg} Netty's native read also calls {@code getsockopt} (a second system call), and for
 * each datagram it fills Java objects through JNI and allocates a buffer, a {@code DatagramPacket} and a sender
 * address before a pipeline pass; profiles of a DTLS upload put that at about a tenth of the gateway's CPU. Here a
 * datagram costs no allocation when its sender is the previous datagram's (the sender address is kept), and the
 * slots are reused.
 *
 * <p>It reads a duplicate of the socket's descriptor, so the Netty channel keeps the socket for sending and its
 * lifecycle; that channel must not read (auto-read off). Each readable event takes up to {@link #BATCH} datagrams
 * per call and up to {@link #CALLS_PER_EVENT} calls, then tells the sink the batch has ended. The sink gets each
 * datagram as a buffer over the slot, valid only during the call: it must copy what it keeps.
 */
@SuppressWarnings("restricted") // binding libc is this class's job; bin/gateway enables native access
final class UdpReceiver implements EpollIoHandle, AutoCloseable {
    /** Where datagrams go, on the event loop. */
    interface Sink {
        /**
         * One datagram; {@code content} is only valid during the call and must not be released.
         *
         * @param nowNanos {@link System#nanoTime()} when its {@code recvmmsg} returned (one clock read per call)
         */
        void datagram(ByteBuf content, InetSocketAddress sender, long nowNanos);

        /** The end of a readable event's datagrams: what the sink held back for them may leave now. */
        void batchEnd();
    }

    static final int BATCH = 16;
    static final int CALLS_PER_EVENT = 4;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int EAGAIN = 11, EINTR = 4;
    private static final int AF_INET = 2, AF_INET6 = 10;
    /** Room for a sockaddr_in6 (28 bytes). */
    private static final int NAME_BYTES = 32;
    /** struct iovec: base, length. */
    private static final int IOVEC_BYTES = 16;
    /** struct mmsghdr on x86-64 and aarch64: a 56-byte msghdr, then msg_len, padded to 64. */
    private static final int MMSGHDR_BYTES = 64;
    private static final long MSG_NAME = 0, MSG_NAMELEN = 8, MSG_IOV = 16, MSG_IOVLEN = 24, MSG_CONTROL = 32,
            MSG_CONTROLLEN = 40, MSG_FLAGS = 48, MSG_LEN = 56;

    private static final Native NATIVE = Native.bind();

    private final int fd;
    private final FileDescriptor descriptor;
    private final Sink sink;
    private final MemorySegment vector;
    private final MemorySegment names;
    private final MemorySegment errno;
    private final ByteBuf[] slots = new ByteBuf[BATCH];
    /** Each slot's sender address, as views made once: a view per datagram would be an object per datagram. */
    private final MemorySegment[] nameSlots = new MemorySegment[BATCH];
    private final MemorySegment lastName;
    private int lastNameLength;
    private InetSocketAddress lastSender;
    private final LongAdder errors = new LongAdder();
    private volatile IoRegistration registration;
    private volatile boolean closed;

    private UdpReceiver(int fd, int slotBytes, Sink sink) {
        this.fd = fd;
        this.descriptor = new FileDescriptor(fd);
        this.sink = sink;
        // Freed by the GC with the receiver: the event loop may be reading into them when close() is called.
        Arena arena = Arena.ofAuto();
        this.vector = arena.allocate((long) MMSGHDR_BYTES * BATCH, 8);
        this.names = arena.allocate((long) NAME_BYTES * BATCH, 8);
        this.lastName = arena.allocate(NAME_BYTES, 8);
        this.errno = arena.allocate(Linker.Option.captureStateLayout());
        MemorySegment data = arena.allocate((long) slotBytes * BATCH, 64);
        MemorySegment iovecs = arena.allocate((long) IOVEC_BYTES * BATCH, 8);
        for (int i = 0; i < BATCH; i++) {
            MemorySegment slot = data.asSlice((long) slotBytes * i, slotBytes);
            slots[i] = Unpooled.wrappedBuffer(slot.asByteBuffer());
            MemorySegment iovec = iovecs.asSlice((long) IOVEC_BYTES * i, IOVEC_BYTES);
            iovec.set(ADDRESS, 0, slot);
            iovec.set(Native.SIZE_T, 8, slotBytes);
            MemorySegment header = vector.asSlice((long) MMSGHDR_BYTES * i, MMSGHDR_BYTES);
            nameSlots[i] = names.asSlice((long) NAME_BYTES * i, NAME_BYTES);
            header.set(ADDRESS, MSG_NAME, nameSlots[i]);
            header.set(ADDRESS, MSG_IOV, iovec);
            header.set(Native.SIZE_T, MSG_IOVLEN, 1);
            header.set(ADDRESS, MSG_CONTROL, MemorySegment.NULL);
            header.set(Native.SIZE_T, MSG_CONTROLLEN, 0);
        }
    }

    /**
     * @param socketFd  the bound UDP socket (non-blocking); it is duplicated, not taken over
     * @param slotBytes bytes per datagram slot: one more than the largest datagram accepted, so that a longer one is
     *                  seen as too long instead of arriving cut
     * @throws IOException if the foreign function API is not usable (native access not enabled) or dup fails
     */
    static UdpReceiver open(int socketFd, int slotBytes, Sink sink) throws IOException {
        if (NATIVE == null) {
            throw new IOException("the foreign function API is not usable here (native access not enabled?)");
        }
        int fd;
        try {
            fd = (int) NATIVE.dup.invokeExact(socketFd);
        } catch (Throwable e) {
            throw new IOException("cannot duplicate the DTLS socket: " + e, e);
        }
        if (fd < 0) {
            throw new IOException("cannot duplicate the DTLS socket (dup returned " + fd + ")");
        }
        return new UdpReceiver(fd, slotBytes, sink);
    }

    /** Registers with the event loop and starts reading; waits until it is registered. */
    void start(IoEventLoop loop) throws IOException {
        try {
            IoRegistration registered = loop.register(this).sync().getNow();
            registration = registered;
            loop.execute(() -> {
                if (!closed && registered.isValid()) {
                    registered.submit(EpollIoOps.EPOLLIN);
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while registering the DTLS receiver", e);
        } catch (RuntimeException e) {
            throw new IOException("cannot register the DTLS receiver: " + e.getMessage(), e);
        }
    }

    @Override
    public FileDescriptor fd() {
        return descriptor;
    }

    @Override
    public void handle(IoRegistration registration, IoEvent event) {
        try {
            for (int call = 0; call < CALLS_PER_EVENT && !closed; call++) {
                int received = receiveBatch();
                long now = received > 0 ? System.nanoTime() : 0;
                for (int i = 0; i < received; i++) {
                    deliver(i, now);
                }
                if (received < BATCH) {
                    break;
                }
            }
        } finally {
            sink.batchEnd();
        }
    }

    /** @return datagrams received, 0 if none was waiting or the call failed (counted) */
    private int receiveBatch() {
        for (int i = 0; i < BATCH; i++) {
            vector.set(JAVA_INT, (long) MMSGHDR_BYTES * i + MSG_NAMELEN, NAME_BYTES);
        }
        int n;
        try {
            n = (int) NATIVE.recvmmsg.invokeExact(errno, fd, vector, BATCH, MSG_DONTWAIT, MemorySegment.NULL);
        } catch (Throwable e) {
            errors.increment();
            return 0;
        }
        if (n < 0) {
            int error = (int) Native.ERRNO.get(errno, 0L);
            if (error != EAGAIN && error != EINTR) {
                errors.increment(); // e.g. ECONNREFUSED queued by an ICMP error; the next call goes on
            }
            return 0;
        }
        return n;
    }

    private void deliver(int i, long nowNanos) {
        long header = (long) MMSGHDR_BYTES * i;
        int length = vector.get(JAVA_INT, header + MSG_LEN);
        InetSocketAddress sender = sender(nameSlots[i], vector.get(JAVA_INT, header + MSG_NAMELEN));
        if (sender == null) {
            errors.increment();
            return;
        }
        ByteBuf slot = slots[i];
        slot.setIndex(0, length);
        sink.datagram(slot, sender, nowNanos);
    }

    /** The sender's address, the previous datagram's object when it is the same sender. */
    private InetSocketAddress sender(MemorySegment name, int nameLength) {
        if (nameLength == lastNameLength && lastSender != null
                && MemorySegment.mismatch(name, 0, nameLength, lastName, 0, nameLength) == -1) {
            return lastSender;
        }
        InetSocketAddress parsed = parse(name, nameLength);
        if (parsed != null) {
            MemorySegment.copy(name, 0, lastName, 0, nameLength);
            lastNameLength = nameLength;
            lastSender = parsed;
        }
        return parsed;
    }

    /** @return the address in a sockaddr_in or sockaddr_in6, or null for another family or a short one */
    static InetSocketAddress parse(MemorySegment name, int nameLength) {
        int family = name.get(JAVA_SHORT, 0);
        int port = Short.toUnsignedInt(name.get(Native.NET_SHORT, 2));
        byte[] address;
        if (family == AF_INET && nameLength >= 16) {
            address = name.asSlice(4, 4).toArray(JAVA_BYTE);
        } else if (family == AF_INET6 && nameLength >= 28) {
            address = name.asSlice(8, 16).toArray(JAVA_BYTE);
        } else {
            return null;
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(address), port);
        } catch (UnknownHostException e) {
            return null; // only for a wrong length, excluded above
        }
    }

    /** recvmmsg calls that failed with something other than "nothing waiting", and senders of an unknown family. */
    long errors() {
        return errors.sum();
    }

    /** Stops reading and closes the duplicate descriptor (on the event loop); the socket itself stays open. */
    @Override
    public void close() {
        closed = true;
        IoRegistration current = registration;
        if (current == null) {
            closeDescriptor();
            return;
        }
        try {
            current.cancel();
        } catch (RejectedExecutionException stopped) {
            closeDescriptor(); // the event loop has stopped, its epoll descriptor with it, and will not call back
        }
    }

    @Override
    public void unregistered() {
        closeDescriptor();
    }

    private void closeDescriptor() {
        try {
            descriptor.close();
        } catch (IOException ignored) {
            // close(2) releases the descriptor even when it reports an error
        }
    }

    /** The libc functions, bound once; null where the foreign function API may not be used. */
    private record Native(MethodHandle dup, MethodHandle recvmmsg) {
        static final ValueLayout.OfLong SIZE_T = JAVA_LONG;
        static final ValueLayout.OfShort NET_SHORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);
        static final VarHandle ERRNO = Linker.Option.captureStateLayout()
                .varHandle(MemoryLayout.PathElement.groupElement("errno"));

        static Native bind() {
            try {
                Linker linker = Linker.nativeLinker();
                SymbolLookup libc = linker.defaultLookup();
                MethodHandle dup = linker.downcallHandle(libc.find("dup").orElseThrow(),
                        FunctionDescriptor.of(JAVA_INT, JAVA_INT));
                MethodHandle recvmmsg = linker.downcallHandle(libc.find("recvmmsg").orElseThrow(),
                        FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS),
                        Linker.Option.captureCallState("errno"));
                return new Native(dup, recvmmsg);
            } catch (IllegalCallerException | UnsupportedOperationException | NoSuchElementException e) {
                return null;
            }
        }
    }
}
