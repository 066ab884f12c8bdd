package io.github.tunnelgw.bench;

import io.github.tunnelgw.auth.Principal;
import io.github.tunnelgw.core.dataplane.PacketEgress;
import io.github.tunnelgw.core.dataplane.RouteTable;
import io.github.tunnelgw.core.session.LeasePool;
import io.github.tunnelgw.core.session.SessionCookies;
import io.github.tunnelgw.core.session.SessionRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the benchmarks share: IPv4 packets in pooled direct buffers (as the tun reader and the TLS/UDP channels hand
 * them over), a session registry built as the server builds it, and in-memory stand-ins for the OS edge and the
 * socket end of a Netty pipeline. None of them allocates per packet, so what a benchmark allocates is the
 * production code's.
 */
public final class Fixtures {
    /** The internal host on the far side of the tun device. */
    public static final int INTERNAL_HOST = 0x0AC90002; // 10.201.0.2

    private Fixtures() {
    }

    /**
     * A UDP-in-IPv4 packet of {@code totalLength} bytes (header included) from {@code source} to {@code destination},
     * in a pooled direct buffer with {@code headroom} free bytes in front of its reader index.
     */
    public static ByteBuf ipv4(int source, int destination, int totalLength, int headroom) {
        return ipv4(source, destination, totalLength, headroom, 0);
    }

    /** @param tailroom bytes of capacity left behind the packet, as the tun reader leaves them */
    public static ByteBuf ipv4(int source, int destination, int totalLength, int headroom, int tailroom) {
        if (totalLength < 28) {
            throw new IllegalArgumentException("an IPv4/UDP packet has at least 28 bytes");
        }
        byte[] bytes = new byte[totalLength];
        bytes[0] = 0x45;
        bytes[2] = (byte) (totalLength >>> 8);
        bytes[3] = (byte) totalLength;
        bytes[8] = 64; // TTL
        bytes[9] = 17; // UDP
        putInt(bytes, 12, source);
        putInt(bytes, 16, destination);
        putInt(bytes, 20, 40000 << 16 | 5201);
        int udpLength = totalLength - 20;
        bytes[24] = (byte) (udpLength >>> 8);
        bytes[25] = (byte) udpLength;
        for (int i = 28; i < totalLength; i++) {
            bytes[i] = (byte) (i * 31);
        }
        int capacity = headroom + totalLength + tailroom;
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(capacity, capacity);
        buf.writerIndex(headroom).readerIndex(headroom);
        return buf.writeBytes(bytes);
    }

    private static void putInt(byte[] bytes, int at, int value) {
        for (int i = 0; i < 4; i++) {
            bytes[at + i] = (byte) (value >>> (24 - 8 * i));
        }
    }

    public static Principal principal(String user) {
        return new Principal(user, user, Optional.empty(), Optional.empty(), Optional.empty(), List.of(), List.of(),
                Instant.MAX);
    }

    /** A registry as the server makes one (cookies from a CSPRNG, nanoTime clock), no session timeout. */
    public static SessionRegistry registry(LeasePool pool, RouteTable routes) {
        return new SessionRegistry(pool, routes, new SessionCookies(new SecureRandom()), System::nanoTime,
                Duration.ofMinutes(5), Optional.empty());
    }

    /** The tun device replaced by memory: takes every packet and only remembers how many bytes it saw. */
    public static final class CountingEgress implements PacketEgress {
        public long packets;
        public long bytes;

        @Override
        public boolean write(ByteBuf packet, int queueHint) {
            packets++;
            bytes += packet.readableBytes();
            return true;
        }
    }

    /**
     * The socket end of a pipeline: put first after the head, it takes every write (releasing the message, as the
     * transport would after sending it) and swallows flushes, so nothing queues in the test channel.
     */
    @ChannelHandler.Sharable
    public static class DiscardingWrites extends ChannelOutboundHandlerAdapter {
        public long writes;

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            writes++;
            try {
                seen(msg);
            } finally {
                ReferenceCountUtil.release(msg);
            }
            promise.trySuccess();
        }

        /** Looks at a written message before it is released; nothing by default. */
        protected void seen(Object msg) {
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            // nothing is queued
        }
    }

    /** The end of an inbound pipeline: releases what reaches it. */
    @ChannelHandler.Sharable
    public static final class ReleasingReads extends ChannelInboundHandlerAdapter {
        public long reads;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            reads++;
            ReferenceCountUtil.release(msg);
        }
    }
}
