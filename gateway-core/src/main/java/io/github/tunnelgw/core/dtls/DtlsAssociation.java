package io.github.tunnelgw.core.dtls;

import io.github.tunnelgw.core.dataplane.ClientRoute;
import io.github.tunnelgw.core.dataplane.DataPlane;
import io.github.tunnelgw.core.dataplane.DataPlaneCounters;
import io.github.tunnelgw.core.dataplane.UplinkPath;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.bouncycastle.tls.DTLSTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;

/**
 * A session's established DTLS channel (reference §5.4), and the {@link ClientRoute} downlink packets take while it
 * is alive. Records are decrypted on the DTLS event loop; packets are encrypted on the thread that delivers them,
 * under a per-association lock because BC's record layer is not thread-safe (uncontended in the usual one-reader
 * case). Payload framing: one type byte, then the packet.
 */
final class DtlsAssociation implements ClientRoute {
    private static final Logger log = LoggerFactory.getLogger(DtlsAssociation.class);
    static final byte DATA = 0x00;
    static final byte DPD_OUT = 0x03;
    static final byte DPD_RESP = 0x04;
    static final byte DISCONNECT = 0x05;
    static final byte KEEPALIVE = 0x07;
    /** Bytes a packet needs in front of it to be sealed where it lies: the record's, and the type byte. */
    static final int RECORD_FRONT = GcmRecordLayer.FRONT + 1;
    /** Alert level warning (1), description close_notify (0). */
    private static final byte[] CLOSE_NOTIFY = {1, 0};
    private static final byte ALERT_FATAL = 2;
    private static final byte CLOSE_NOTIFY_DESCRIPTION = 0;

    final DtlsTicket ticket;
    final ClientHelloInspector.Result hello;
    private final DTLSTransport dtls;
    /** Seals and opens the application records once the handshake is done; null leaves them to Bouncy Castle. */
    private final GcmRecordLayer records;
    private final DatagramBridge bridge;
    private final UplinkPath uplink;
    private final DataPlaneCounters counters;
    private final int payloadLimit;
    private final Object sendLock = new Object();
    private static final int CONTENT_CHANGE_CIPHER_SPEC = 20;
    private static final int CONTENT_HANDSHAKE = ClientHelloInspector.CONTENT_HANDSHAKE;
    private volatile boolean closed;
    /** Bouncy Castle failed on a retransmitted flight after GcmRecordLayer took over; it is not asked again. */
    private boolean handshakeRetired;

    // Event loop only.
    /** A datagram for Bouncy Castle, or a copy to try against this channel from another port. */
    private final byte[] inbound;
    private final ByteBuf inboundView;
    /** What Bouncy Castle decrypts, when it keeps the records. */
    private final byte[] plain;
    private final ByteBuf plainView;
    long lastValidNanos;
    long lastProbeNanos;

    // Guarded by sendLock.
    /**
     * Payloads of our own (DPD, close_notify) and packets without room to be sealed where they lie, with room for a
     * record around them; or Bouncy Castle's plaintext, when it keeps the records. On the heap, so that
     * {@link SocketSender} copies a record from it rather than holding it, as it may hold a direct one.
     */
    private final ByteBuf ownPayload;
    private final int ownPayloadAt;

    DtlsAssociation(DtlsTicket ticket, ClientHelloInspector.Result hello, DTLSTransport dtls, GcmRecordLayer records,
                    DatagramBridge bridge, UplinkPath uplink, DataPlaneCounters counters, long nowNanos)
            throws IOException {
        this.ticket = ticket;
        this.hello = hello;
        this.dtls = dtls;
        this.records = records;
        this.bridge = bridge;
        this.uplink = uplink;
        this.counters = counters;
        this.payloadLimit = dtls.getSendLimit();
        this.inbound = new byte[bridge.getReceiveLimit()];
        this.inboundView = Unpooled.wrappedBuffer(inbound);
        this.plain = new byte[Math.max(dtls.getReceiveLimit(), bridge.getReceiveLimit())];
        this.plainView = Unpooled.wrappedBuffer(plain);
        this.ownPayloadAt = records == null ? 0 : GcmRecordLayer.FRONT;
        this.ownPayload = Unpooled.buffer(payloadLimit + (records == null ? 0 : GcmRecordLayer.OVERHEAD));
        this.lastValidNanos = nowNanos;
        this.lastProbeNanos = nowNanos;
    }

    InetSocketAddress peer() {
        return bridge.peer();
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * Decrypts one datagram from the peer and acts on its records. Event loop only.
     *
     * @return the number of records that decrypted, or -1 if the association failed and must be dropped
     */
    int receive(ByteBuf datagram, long nowNanos) {
        return receive(datagram, nowNanos, null);
    }

    /**
     * @param newPeer null, or another port of the peer's address (NAT rebinding): the first record that decrypts
     *                moves the channel there before it is acted on, so what answers it (a DPD response, the
     *                downlink) already goes to the new port; a datagram that does not decrypt moves nothing and is
     *                not counted here (the caller may try it against other channels of the same address)
     */
    int receive(ByteBuf datagram, long nowNanos, InetSocketAddress newPeer) {
        int length = datagram.readableBytes();
        if (length > inbound.length) {
            counters.dtlsGarbageDropped.increment();
            return 0;
        }
        if (closed) {
            return 0;
        }
        if (records != null) {
            if (GcmRecordLayer.isOurs(datagram, datagram.readerIndex(), datagram.writerIndex())) {
                // Opened where it lies; a try from another port opens a copy, since a record that does not open
                // here is left garbage and the next channel of the address must see it as it came.
                return openRecords(newPeer == null ? datagram : copyIn(datagram), nowNanos, newPeer);
            }
            // from another port only the channel's own records count; the handler counts what no channel took
            return newPeer != null ? 0 : retransmittedFlight(datagram);
        }
        datagram.getBytes(datagram.readerIndex(), inbound, 0, length);
        bridge.handIn(inbound, length);
        int records = 0;
        try {
            int got = dtls.receive(plain, 0, plain.length, 1);
            if (got >= 0 && newPeer != null) {
                bridge.rebind(newPeer);
            }
            while (got >= 0) {
                records++;
                if (!onRecord(plainView, 0, got, nowNanos)) {
                    return -1;
                }
                got = dtls.receivePending(plain, 0, plain.length);
            }
        } catch (InterruptedIOException noMore) {
            // the datagram held no (further) application record: a retransmitted handshake message or a bad MAC
        } catch (IOException e) {
            log.info("{}: DTLS channel from {} failed: {}", ticket, bridge.peer(), e.toString());
            return -1;
        } finally {
            bridge.handIn(null, 0);
        }
        if (records == 0 && newPeer == null) {
            counters.dtlsUndecryptableDropped.increment();
        }
        return records;
    }

    /**
     * Once {@link GcmRecordLayer} has the records, Bouncy Castle's only job is to answer the peer's retransmitted final
     * flight (when our Finished was lost) with ours. It sees nothing else: no application data, which would bypass
     * the replay window and could move the channel to another port, and nothing its handshake code would reassemble
     * into a large buffer. Its failing on what it does see (a forged record) ends nothing: the channel's records do not
     * depend on it. Nothing here decrypts an application record, so it never counts as one.
     */
    private int retransmittedFlight(ByteBuf datagram) {
        if (handshakeRetired || !onlyHandshakeRecords(datagram) || !HandshakeRecordGuard.admits(datagram)) {
            counters.dtlsUndecryptableDropped.increment();
            return 0;
        }
        int length = datagram.readableBytes();
        datagram.getBytes(datagram.readerIndex(), inbound, 0, length);
        bridge.handIn(inbound, length);
        bridge.beginFlight();
        try {
            dtls.receive(plain, 0, plain.length, 1);
        } catch (InterruptedIOException noMore) {
            // the usual outcome: BC answered the flight (or ignored it) and asked for the next datagram
        } catch (IOException e) {
            handshakeRetired = true;
            counters.dtlsUndecryptableDropped.increment();
            log.debug("{}: DTLS handshake layer from {} gave up on a retransmitted flight: {}", ticket, bridge.peer(),
                    e.toString());
        } finally {
            bridge.endFlight();
            bridge.handIn(null, 0);
        }
        return 0;
    }

    private static boolean onlyHandshakeRecords(ByteBuf datagram) {
        int end = datagram.writerIndex();
        for (int at = datagram.readerIndex(), size; at < end; at += size) {
            size = GcmRecordLayer.recordLength(datagram, at, end);
            int type = datagram.getUnsignedByte(at);
            if (size < 0 || (type != CONTENT_HANDSHAKE && type != CONTENT_CHANGE_CIPHER_SPEC)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The application records of the datagram, through {@link GcmRecordLayer}, each opened where it lies. The
     * datagram's indices are moved while a packet is forwarded and put back at the end.
     */
    private int openRecords(ByteBuf datagram, long nowNanos, InetSocketAddress newPeer) {
        int start = datagram.readerIndex();
        int end = datagram.writerIndex();
        int opened = 0;
        try {
            for (int at = start, size; (size = GcmRecordLayer.recordLength(datagram, at, end)) > 0; at += size) {
                if (!GcmRecordLayer.isOurs(datagram, at, end)) {
                    break;
                }
                int got = records.open(datagram, at, size);
                if (got < 0) {
                    continue;
                }
                if (opened++ == 0 && newPeer != null) {
                    bridge.rebind(newPeer);
                }
                int plainAt = at + GcmRecordLayer.FRONT;
                if (datagram.getUnsignedByte(at) == GcmRecordLayer.ALERT) {
                    if (endsTheChannel(datagram, plainAt, got)) {
                        log.info("{}: client closed its DTLS channel from {} (alert {}/{}); the downlink goes over CSTP",
                                ticket, bridge.peer(), datagram.getByte(plainAt), datagram.getByte(plainAt + 1));
                        return -1;
                    }
                    log.debug("{}: DTLS alert from {}: level {} description {}", ticket, bridge.peer(),
                            got > 0 ? datagram.getByte(plainAt) : -1, got > 1 ? datagram.getByte(plainAt + 1) : -1);
                    continue;
                }
                try {
                    if (!onRecord(datagram, plainAt, got, nowNanos)) {
                        return -1;
                    }
                } catch (IOException e) {
                    log.info("{}: DTLS channel from {} failed: {}", ticket, bridge.peer(), e.toString());
                    return -1;
                }
            }
        } finally {
            datagram.setIndex(start, end);
        }
        if (opened == 0 && newPeer == null) {
            counters.dtlsUndecryptableDropped.increment();
        }
        return opened;
    }

    /** A copy of the datagram in this association's own buffer. */
    private ByteBuf copyIn(ByteBuf datagram) {
        return inboundView.setIndex(0, 0).writeBytes(datagram, datagram.readerIndex(), datagram.readableBytes());
    }

    /** An authenticated close_notify or fatal alert: the peer has given this channel up. */
    private static boolean endsTheChannel(ByteBuf alert, int at, int length) {
        return length >= 2 && (alert.getByte(at) == ALERT_FATAL || alert.getByte(at + 1) == CLOSE_NOTIFY_DESCRIPTION);
    }

    /**
     * One decrypted payload: {@code length} bytes at {@code at} of {@code record}, whose indices it may move.
     *
     * @return false when the peer ended the DTLS channel (DISCONNECT): the downlink goes back to CSTP at once
     */
    private boolean onRecord(ByteBuf record, int at, int length, long nowNanos) throws IOException {
        if (length == 0) {
            return true;
        }
        lastValidNanos = nowNanos;
        ticket.route.prefer(this);
        switch (record.getByte(at)) {
            case DATA -> {
                ticket.session.markData();
                record.setIndex(at + 1, at + length);
                counters.dtlsUplinkPackets.increment();
                counters.dtlsUplinkBytes.add(length - 1);
                uplink.forward(ticket.leasedAddress, record, ticket.leasedAddress);
            }
            case DPD_OUT -> {
                // Echo byte for byte: openconnect's MTU probe only accepts its own bytes back (reference §5.4).
                synchronized (sendLock) {
                    ByteBuf reply = payload(DPD_RESP);
                    reply.writeBytes(record, at + 1, Math.min(length, payloadLimit) - 1);
                    send(reply);
                }
            }
            case DISCONNECT -> {
                log.info("{}: client sent DISCONNECT over DTLS from {}; the downlink goes over CSTP", ticket,
                        bridge.peer());
                return false;
            }
            default -> {
                // DPD_RESP and KEEPALIVE: liveness only
            }
        }
        return true;
    }

    /**
     * Downlink, on the delivering thread: frame with the type byte, encrypt, send (a full socket buffer drops the
     * datagram, see {@link SocketSender}). A packet from the tun reader has the room a record needs around it
     * ({@link DataPlane#HEADROOM}, {@link DataPlane#TAILROOM}) and is sealed and sent where it lies; another is
     * copied into the association's own buffer first. Too big for a record: over CSTP instead.
     */
    @Override
    public void deliver(ByteBuf packet) {
        int length = packet.readableBytes();
        if (closed || length + 1 > payloadLimit) {
            ticket.route.fallback().deliver(packet);
            return;
        }
        try {
            ticket.session.markData();
            synchronized (sendLock) {
                if (records != null && packet.readerIndex() >= RECORD_FRONT
                        && packet.capacity() - packet.writerIndex() >= GcmRecordLayer.TAG) {
                    int at = packet.readerIndex() - 1;
                    packet.setByte(at, DATA).readerIndex(at);
                    send(packet);
                } else {
                    send(payload(DATA).writeBytes(packet, packet.readerIndex(), length));
                }
            }
            counters.dtlsDownlinkPackets.increment();
            counters.dtlsDownlinkBytes.add(length);
        } catch (IOException e) {
            // The record layer failed; stop using DTLS at once. The event loop drops the association at its next tick.
            closed = true;
            ticket.route.withdraw(this);
        } finally {
            packet.release();
        }
    }

    /** A one-byte DTLS DPD request; the client answers with DPD_RESP. Event loop only. */
    void probe(long nowNanos) {
        lastProbeNanos = nowNanos;
        try {
            synchronized (sendLock) {
                send(payload(DPD_OUT));
            }
        } catch (IOException e) {
            closed = true;
            ticket.route.withdraw(this);
        }
    }

    /** The association's own payload buffer, under sendLock, holding the type byte. */
    private ByteBuf payload(byte type) {
        return ownPayload.setIndex(ownPayloadAt, ownPayloadAt).writeByte(type);
    }

    /** One application record of the readable bytes of {@code payload}, under sendLock. */
    private void send(ByteBuf payload) throws IOException {
        if (records == null) {
            // Bouncy Castle takes a byte[]: payload is ownPayload (only a packet for GcmRecordLayer is sent in place)
            dtls.send(ownPayload.array(), ownPayload.arrayOffset() + payload.readerIndex(), payload.readableBytes());
            return;
        }
        records.seal(GcmRecordLayer.APPLICATION_DATA, payload);
        bridge.sendRecord(payload);
    }

    /** Stops using this channel (downlink back to CSTP) and closes it, with a close_notify. */
    void close() {
        closed = true;
        ticket.route.withdraw(this);
        synchronized (sendLock) {
            try {
                if (records != null) {
                    ByteBuf alert = ownPayload.setIndex(ownPayloadAt, ownPayloadAt).writeBytes(CLOSE_NOTIFY);
                    records.seal(GcmRecordLayer.ALERT, alert);
                    bridge.sendRecord(alert);
                    bridge.close();
                } else {
                    dtls.close();
                }
            } catch (IOException e) {
                log.debug("{}: closing DTLS: {}", ticket, e.toString());
            } finally {
                if (records != null) {
                    records.close(); // under the send lock, so no delivering thread is sealing now
                }
            }
        }
    }
}
