package io.github.tunnelgw.core.dtls;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real epoll UDP channel on loopback, as the DTLS listener's, and a plain socket that plays the client. */
final class LoopbackUdp implements AutoCloseable {
    final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    final Channel channel;
    final DatagramSocket client;
    final InetSocketAddress peer;

    LoopbackUdp() throws Exception {
        channel = new Bootstrap().group(group).channel(EpollDatagramChannel.class)
                .handler(new ChannelInboundHandlerAdapter())
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        peer = (InetSocketAddress) client.getLocalSocketAddress();
    }

    /** What the client received, until nothing more comes for {@code quietMillis}. */
    List<byte[]> received(int quietMillis) throws Exception {
        List<byte[]> datagrams = new ArrayList<>();
        client.setSoTimeout(quietMillis);
        byte[] buffer = new byte[70_000];
        while (true) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                client.receive(packet);
            } catch (SocketTimeoutException quiet) {
                return datagrams;
            }
            datagrams.add(Arrays.copyOf(packet.getData(), packet.getLength()));
        }
    }

    @Override
    public void close() {
        client.close();
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
