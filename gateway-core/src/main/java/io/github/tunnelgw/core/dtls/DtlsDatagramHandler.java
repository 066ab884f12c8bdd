package io.github.tunnelgw.core.dtls;

import io.github.tunnelgw.core.dataplane.DataPlaneCounters;
import io.github.tunnelgw.core.dataplane.UplinkPath;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import org.bouncycastle.tls.DTLSRequest;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DTLSVerifier;
import org.bouncycastle.tls.DatagramSender;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Every datagram on the DTLS port, on one event loop. Steps for a datagram:
 * 1. Application data from a known peer: decrypt with that peer's association
 * 2. Handshake traffic from a peer with a handshake in flight: queue it for the handshake thread
 * 3. A ClientHello: parse (bounded, unfragmented) → session by App-ID → not a replay of the live one →
 *    stateless cookie (HelloVerifyRequest if missing), unless the hello comes from the address that logged in over
 *    TLS → handshake cap → handshake on a virtual thread
 * 4. Application data from an unknown port of a known client address: accepted (NAT rebinding) only if it decrypts
 *    under that client's keys
 * 5. Anything else: dropped and counted
 * A tick per second moves silent channels back to CSTP, probes them with DTLS DPD and drops dead ones.
 */
final class DtlsDatagramHandler extends SimpleChannelInboundHandler<DatagramPacket> implements UdpReceiver.Sink {
    private static final Logger log = LoggerFactory.getLogger(DtlsDatagramHandler.class);
    private static final int CONTENT_APPLICATION_DATA = 23;
    private static final int CONTENT_CHANGE_CIPHER_SPEC = 20;
    private static final int CONTENT_ALERT = 21;
    /** A second handshake for one session inside this window is ignored (as ocserv's UDP_FD_RESEND_TIME). */
    private static final long HANDSHAKE_RESEND_NANOS = TimeUnit.SECONDS.toNanos(3);
    static final int REBIND_CANDIDATES = 16;

    private final DtlsDirectory directory;
    private final DtlsSettings settings;
    private final TlsCrypto crypto;
    private final AeadEngine recordEngine;
    private final UplinkPath uplink;
    private final DataPlaneCounters counters;
    private final DTLSVerifier verifier;
    private final int receiveLimit;

    // Event loop only.
    private final Map<InetSocketAddress, DtlsAssociation> byPeer = new HashMap<>();
    /**
     * The associations of each client address, newest last, for NAT rebinding: many phones share one address behind a
     * carrier-grade NAT, and a record from a new port is tried against each of them (at most
     * {@link #REBIND_CANDIDATES}, so garbage from a crowded address costs a bounded number of decryption attempts).
     */
    private final Map<InetAddress, List<DtlsAssociation>> byAddress = new HashMap<>();
    private final Map<InetSocketAddress, DtlsHandshake> handshakes = new HashMap<>();
    private Channel channel;
    private SocketSender socketSender;
    private ScheduledFuture<?> tick;

    DtlsDatagramHandler(DtlsDirectory directory, DtlsSettings settings, TlsCrypto crypto, AeadEngine recordEngine,
                        UplinkPath uplink, DataPlaneCounters counters, int receiveLimit) {
        this.directory = directory;
        this.settings = settings;
        this.crypto = crypto;
        this.recordEngine = recordEngine;
        this.uplink = uplink;
        this.counters = counters;
        this.verifier = new DTLSVerifier(crypto);
        this.receiveLimit = receiveLimit;
    }

    int associationCount() {
        return byPeer.size();
    }

    /** Handshakes holding a thread and a queue now. Event loop only. */
    int handshakeCount() {
        return handshakes.size();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        socketSender = SocketSender.of(channel, counters.congestionDropped, counters.dtlsSendErrors,
                counters.dtlsSegmentedSends);
        tick = ctx.executor().scheduleAtFixedRate(this::checkLiveness, 1, 1, TimeUnit.SECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (tick != null) {
            tick.cancel(false);
        }
        new ArrayList<>(byPeer.values()).forEach(this::drop);
        new ArrayList<>(handshakes.values()).forEach(DtlsHandshake::abort);
        handshakes.clear();
        ctx.fireChannelInactive();
    }

    /** Where Netty's own datagram read delivers, when the listener has no {@link UdpReceiver}. */
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        datagram(packet.content(), packet.sender(), System.nanoTime());
    }

    /** One datagram; {@code content} is not kept (what is kept is copied). Event loop only. */
    @Override
    public void datagram(ByteBuf content, InetSocketAddress peer, long now) {
        if (content.readableBytes() < ClientHelloInspector.RECORD_HEADER || content.readableBytes() > receiveLimit) {
            counters.dtlsGarbageDropped.increment();
            return;
        }
        int type = content.getUnsignedByte(content.readerIndex());
        if (type == CONTENT_APPLICATION_DATA) {
            DtlsAssociation association = byPeer.get(peer);
            if (association != null) {
                receive(association, content, now);
            } else if (!offerToHandshake(peer, content)) {
                tryRebind(peer, content, now);
            }
        } else if (ClientHelloInspector.looksLikeClientHello(content)) {
            onClientHello(peer, content, now);
        } else if (type == ClientHelloInspector.CONTENT_HANDSHAKE || type == CONTENT_CHANGE_CIPHER_SPEC
                || type == CONTENT_ALERT) {
            if (!offerToHandshake(peer, content)) {
                DtlsAssociation association = byPeer.get(peer);
                if (association != null) {
                    receive(association, content, now); // a retransmitted Finished or an alert for the live channel
                } else {
                    counters.dtlsUnknownSessionDropped.increment();
                }
            }
        } else {
            counters.dtlsGarbageDropped.increment();
        }
    }

    void beginSendBatch() {
        if (socketSender != null) {
            socketSender.beginBatch();
        }
    }

    void endSendBatch() {
        if (socketSender != null) {
            socketSender.endBatch();
        }
    }

    /** The end of a batch of datagrams (one recvmmsg loop): the uplink's held TCP segments leave now. */
    @Override
    public void batchEnd() {
        uplink.flush();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        batchEnd();
        ctx.fireChannelReadComplete();
    }

    private void receive(DtlsAssociation association, ByteBuf content, long now) {
        if (association.receive(content, now) < 0) {
            drop(association);
        }
    }

    private boolean offerToHandshake(InetSocketAddress peer, ByteBuf content) {
        DtlsHandshake handshake = handshakes.get(peer);
        if (handshake == null) {
            return false;
        }
        if (!HandshakeRecordGuard.admits(content)) {
            counters.dtlsOversizedHelloDropped.increment();
            return true;
        }
        if (!handshake.bridge.offer(content)) {
            counters.dtlsHandshakeLimitDropped.increment();
        }
        return true;
    }

    private void tryRebind(InetSocketAddress peer, ByteBuf content, long now) {
        List<DtlsAssociation> candidates = byAddress.get(peer.getAddress());
        if (candidates == null) {
            counters.dtlsUnknownSessionDropped.increment();
            return;
        }
        for (int i = candidates.size() - 1; i >= 0; i--) {
            DtlsAssociation candidate = candidates.get(i);
            InetSocketAddress old = candidate.peer();
            int records = candidate.receive(content, now, peer);
            if (!candidate.peer().equals(old)) {
                // a record decrypted, so the association has moved: the index follows (before a drop, which looks it up)
                byPeer.remove(old, candidate);
                byPeer.put(peer, candidate);
                log.info("{}: client moved from {} to {} (NAT rebinding), accepted after a record decrypted",
                        candidate.ticket, old, peer);
            }
            if (records < 0) {
                drop(candidate);
            }
            if (records != 0) {
                return;
            }
        }
        counters.dtlsUndecryptableDropped.increment();
    }

    private void indexByAddress(DtlsAssociation association) {
        List<DtlsAssociation> candidates = byAddress.computeIfAbsent(association.peer().getAddress(),
                address -> new ArrayList<>());
        if (candidates.size() == REBIND_CANDIDATES) {
            candidates.removeFirst(); // the oldest keeps its channel but can no longer move to another port
        }
        candidates.add(association);
    }

    private void unindexByAddress(DtlsAssociation association) {
        List<DtlsAssociation> candidates = byAddress.get(association.peer().getAddress());
        if (candidates != null && candidates.remove(association) && candidates.isEmpty()) {
            byAddress.remove(association.peer().getAddress());
        }
    }

    private void onClientHello(InetSocketAddress peer, ByteBuf content, long now) {
        if (offerToHandshake(peer, content)) {
            return; // a retransmission while its handshake runs
        }
        ClientHelloInspector.Result hello = ClientHelloInspector.inspect(content);
        if (!hello.accepted()) {
            switch (hello.rejection()) {
                case FRAGMENTED, OVERSIZED -> counters.dtlsOversizedHelloDropped.increment();
                default -> counters.dtlsGarbageDropped.increment();
            }
            return;
        }
        DtlsTicket ticket = directory.find(hello.appId());
        if (ticket == null) {
            counters.dtlsUnknownSessionDropped.increment();
            return;
        }
        if (ticket.current != null && ticket.current.hello.sameRandom(hello)) {
            counters.dtlsReplayedHelloDropped.increment();
            return;
        }
        DTLSRequest request = null;
        if (!ticket.loggedInFrom(peer.getAddress())) {
            byte[] bytes = new byte[content.readableBytes()];
            content.getBytes(content.readerIndex(), bytes);
            request = verifier.verifyRequest(clientId(peer), bytes, 0, bytes.length, sender(peer));
            if (request == null) {
                counters.dtlsHelloVerifyRequests.increment();
                return;
            }
        }
        if (ticket.pending != null) {
            if (now - ticket.pending.startedNanos < HANDSHAKE_RESEND_NANOS) {
                counters.dtlsHandshakeLimitDropped.increment();
                return;
            }
            abortHandshake(ticket.pending);
        }
        if (handshakes.size() >= settings.maxHandshakes()) {
            counters.dtlsHandshakeLimitDropped.increment();
            return;
        }
        startHandshake(ticket, peer, hello, request, content, now);
    }

    /**
     * @param request the hello that passed the cookie exchange, or null if it needed none: then {@code datagram}, the
     *                hello itself, is queued for Bouncy Castle to read first
     */
    private void startHandshake(DtlsTicket ticket, InetSocketAddress peer, ClientHelloInspector.Result hello,
                                DTLSRequest request, ByteBuf datagram, long now) {
        DatagramBridge bridge = new DatagramBridge(channel, socketSender, peer, receiveLimit, sendLimit(peer));
        if (request == null) {
            bridge.offer(datagram);
        }
        DtlsHandshake handshake = new DtlsHandshake(ticket, peer, bridge, hello, now);
        handshakes.put(peer, handshake);
        ticket.pending = handshake;
        OpenconnectPskServer server = new OpenconnectPskServer(crypto, ticket.psk, recordEngine);
        handshake.thread = Thread.ofVirtual().name("dtls-handshake").start(() -> {
            try {
                DTLSTransport transport = bridge.accept(server, request);
                GcmRecordLayer records = server.recordLayer();
                channel.eventLoop().execute(() -> completed(handshake, transport, records));
            } catch (Exception e) {
                channel.eventLoop().execute(() -> failed(handshake, e));
            }
        });
    }

    /** @param records the association's own record layer, or null to leave the records to Bouncy Castle */
    private void completed(DtlsHandshake handshake, DTLSTransport transport, GcmRecordLayer records) {
        handshakes.remove(handshake.peer, handshake);
        DtlsTicket ticket = handshake.ticket;
        if (ticket.pending == handshake) {
            ticket.pending = null;
        }
        if (ticket.retired || !channel.isActive()) {
            closeQuietly(transport, records);
            return;
        }
        long now = System.nanoTime();
        DtlsAssociation association;
        try {
            association = new DtlsAssociation(ticket, handshake.hello, transport, records, handshake.bridge, uplink,
                    counters, now);
        } catch (IOException e) {
            closeQuietly(transport, records);
            failed(handshake, e);
            return;
        }
        if (ticket.current != null) {
            log.info("{}: new DTLS handshake from {} replaces the channel from {}", ticket, handshake.peer,
                    ticket.current.peer());
            drop(ticket.current);
        }
        DtlsAssociation displaced = byPeer.get(handshake.peer);
        if (displaced != null) {
            drop(displaced);
        }
        counters.dtlsHandshakesCompleted.increment();
        ticket.current = association;
        byPeer.put(handshake.peer, association);
        indexByAddress(association);
        log.info("{}: DTLS established with {} ({} µs after its verified ClientHello)", ticket, handshake.peer,
                (now - handshake.startedNanos) / 1000);
        try {
            for (byte[] early : handshake.bridge.goDirect()) {
                if (association.receive(Unpooled.wrappedBuffer(early), now) < 0) {
                    drop(association);
                    return;
                }
            }
        } finally {
            uplink.flush();
        }
    }

    private void failed(DtlsHandshake handshake, Exception cause) {
        handshakes.remove(handshake.peer, handshake);
        if (handshake.ticket.pending == handshake) {
            handshake.ticket.pending = null;
        }
        counters.dtlsHandshakesFailed.increment();
        log.info("{}: DTLS handshake from {} failed: {}", handshake.ticket, handshake.peer, cause.toString());
    }

    private void abortHandshake(DtlsHandshake handshake) {
        handshakes.remove(handshake.peer, handshake);
        if (handshake.ticket.pending == handshake) {
            handshake.ticket.pending = null;
        }
        handshake.abort();
    }

    /** Removes an association from every index, moves its lease's downlink back to CSTP and closes it. */
    private void drop(DtlsAssociation association) {
        byPeer.remove(association.peer(), association);
        unindexByAddress(association);
        if (association.ticket.current == association) {
            association.ticket.current = null;
        }
        association.close();
    }

    /** The CSTP connection behind {@code ticket} is gone: its DTLS goes with it. Event loop only. */
    void retire(DtlsTicket ticket) {
        ticket.retired = true;
        if (ticket.pending != null) {
            abortHandshake(ticket.pending);
        }
        if (ticket.current != null) {
            drop(ticket.current);
        }
    }

    private void checkLiveness() {
        long now = System.nanoTime();
        long fallback = settings.silenceBeforeFallback().toNanos();
        long dpd = settings.dpd().toNanos();
        for (DtlsAssociation association : new ArrayList<>(byPeer.values())) {
            long silent = now - association.lastValidNanos;
            if (association.isClosed() || silent >= 3 * dpd) {
                if (!association.isClosed()) {
                    log.info("{}: no DTLS traffic from {} for {} s; dropping the DTLS channel", association.ticket,
                            association.peer(), TimeUnit.NANOSECONDS.toSeconds(silent));
                }
                drop(association);
                continue;
            }
            if (silent >= fallback) {
                association.ticket.route.withdraw(association);
            }
            if (silent >= dpd && now - association.lastProbeNanos >= dpd) {
                association.probe(now);
            }
        }
    }

    private int sendLimit(InetSocketAddress peer) {
        int ipHeader = peer.getAddress() instanceof java.net.Inet6Address ? 40 : 20;
        return settings.linkMtu() - ipHeader - 8;
    }

    private static byte[] clientId(InetSocketAddress peer) {
        byte[] address = peer.getAddress().getAddress();
        return ByteBuffer.allocate(address.length + 2).put(address).putShort((short) peer.getPort()).array();
    }

    private DatagramSender sender(InetSocketAddress peer) {
        return new DatagramSender() {
            @Override
            public int getSendLimit() {
                return sendLimit(peer);
            }

            @Override
            public void send(byte[] buf, int off, int len) {
                ByteBuf out = channel.alloc().directBuffer(len).writeBytes(buf, off, len);
                channel.writeAndFlush(new DatagramPacket(out, peer), channel.voidPromise());
            }
        };
    }

    private static void closeQuietly(DTLSTransport transport, GcmRecordLayer records) {
        if (records != null) {
            records.close();
        }
        try {
            transport.close();
        } catch (Exception ignored) {
            // closing a channel nobody wants any more
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.warn("DTLS listener error", cause);
    }
}
