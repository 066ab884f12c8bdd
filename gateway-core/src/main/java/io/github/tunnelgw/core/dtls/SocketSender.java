package io.github.tunnelgw.core.dtls;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.unix.Socket;
import io.netty.util.concurrent.FastThreadLocal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sends datagrams on the DTLS listener's own socket straight from the calling thread: the DTLS event loop, which
 * also reads the tun queues and encrypts the downlink. {@code channel.writeAndFlush} would cost a buffer, a
 * {@code DatagramPacket} and a pipeline pass per packet (and, from any other thread, a task hand-off and an eventfd
 * wake-up); a UDP {@code sendto} is atomic in the kernel, so any thread may call it on the socket alongside the
 * event loop.
 *
 * <p>A full socket buffer (EAGAIN) drops the datagram and counts it as congestion, as a router queue would.
 */
final class SocketSender {
    /** Room for the largest datagram a link MTU of 9000 allows; each sending thread has one. */
    private static final int SCRATCH_BYTES = 9000;
    private static final FastThreadLocal<ByteBuffer> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected ByteBuffer initialValue() {
            return ByteBuffer.allocateDirect(SCRATCH_BYTES);
        }
    };

    private final Socket socket;
    private final LongAdder congestionDropped;
    private final LongAdder sendErrors;

    private SocketSender(Socket socket, LongAdder congestionDropped, LongAdder sendErrors) {
        this.socket = socket;
        this.congestionDropped = congestionDropped;
        this.sendErrors = sendErrors;
    }

    static SocketSender of(Channel channel, LongAdder congestionDropped, LongAdder sendErrors) {
        return new SocketSender((Socket) ((EpollDatagramChannel) channel).fd(), congestionDropped, sendErrors);
    }

    void send(byte[] datagram, int offset, int length, InetSocketAddress peer) {
        if (length > SCRATCH_BYTES) {
            sendErrors.increment();
            return;
        }
        ByteBuffer scratch = SCRATCH.get();
        scratch.clear();
        scratch.put(datagram, offset, length);
        try {
            if (socket.sendTo(scratch, 0, length, peer.getAddress(), peer.getPort()) == 0) {
                congestionDropped.increment();
            }
        } catch (IOException e) {
            // UDP: unreachable peers and closed sockets lose the datagram; the liveness tick sorts the peer out
            sendErrors.increment();
        }
    }
}
