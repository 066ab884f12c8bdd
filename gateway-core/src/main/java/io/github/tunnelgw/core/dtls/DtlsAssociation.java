package io.github.tunnelgw.core.dtls;

import io.github.tunnelgw.core.dataplane.ClientRoute;
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
    private static final byte[] DPD_PROBE = {DPD_OUT};
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
    private final byte[] inbound;
    private final byte[] plain;
    private final ByteBuf uplinkView;
    long lastValidNanos;
    long lastProbeNanos;

    // Guarded by sendLock.
    private final byte[] outbound;
    private final byte[] sealed;

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
        this.plain = new byte[Math.max(dtls.getReceiveLimit(), bridge.getReceiveLimit())];
        this.uplinkView = Unpooled.wrappedBuffer(plain);
        this.outbound = new byte[payloadLimit];
        this.sealed = new byte[payloadLimit + GcmRecordLayer.OVERHEAD];
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
        datagram.getBytes(datagram.readerIndex(), inbound, 0, length);
        return receive(inbound, length, nowNanos, newPeer);
    }

    int receive(byte[] datagram, int length, long nowNanos) {
        return receive(datagram, length, nowNanos, null);
    }

    private int receive(byte[] datagram, int length, long nowNanos, InetSocketAddress newPeer) {
        if (closed) {
            return 0;
        }
        if (records != null) {
            if (GcmRecordLayer.isOurs(datagram, 0, length)) {
                return openRecords(datagram, length, nowNanos, newPeer);
            }
            // from another port only the channel's own records count; the handler counts what no channel took
            return newPeer != null ? 0 : retransmittedFlight(datagram, length);
        }
        bridge.handIn(datagram, length);
        int records = 0;
        try {
            int got = dtls.receive(plain, 0, plain.length, 1);
            if (got >= 0 && newPeer != null) {
                bridge.rebind(newPeer);
            }
            while (got >= 0) {
                records++;
                if (!onRecord(got, nowNanos)) {
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
    private int retransmittedFlight(byte[] datagram, int length) {
        if (handshakeRetired || !onlyHandshakeRecords(datagram, length)
                || !HandshakeRecordGuard.admits(Unpooled.wrappedBuffer(datagram, 0, length))) {
            counters.dtlsUndecryptableDropped.increment();
            return 0;
        }
        bridge.handIn(datagram, length);
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

    private static boolean onlyHandshakeRecords(byte[] datagram, int length) {
        for (int at = 0, size; at < length; at += size) {
            size = GcmRecordLayer.recordLength(datagram, at, length);
            int type = datagram[at] & 0xFF;
            if (size < 0 || (type != CONTENT_HANDSHAKE && type != CONTENT_CHANGE_CIPHER_SPEC)) {
                return false;
            }
        }
        return true;
    }

    /** The application records of the datagram, through {@link GcmRecordLayer}. */
    private int openRecords(byte[] datagram, int length, long nowNanos, InetSocketAddress newPeer) {
        int opened = 0;
        for (int at = 0, size; (size = GcmRecordLayer.recordLength(datagram, at, length)) > 0; at += size) {
            if (!GcmRecordLayer.isOurs(datagram, at, length)) {
                break;
            }
            int got = records.open(datagram, at, size, plain);
            if (got < 0) {
                continue;
            }
            if (opened++ == 0 && newPeer != null) {
                bridge.rebind(newPeer);
            }
            if ((datagram[at] & 0xFF) == GcmRecordLayer.ALERT) {
                log.debug("{}: DTLS alert from {}: level {} description {}", ticket, bridge.peer(),
                        got > 0 ? plain[0] : -1, got > 1 ? plain[1] : -1);
                if (endsTheChannel(got)) {
                    log.info("{}: client closed its DTLS channel from {} (alert {}/{}); the downlink goes over CSTP",
                            ticket, bridge.peer(), plain[0], plain[1]);
                    return -1;
                }
                continue;
            }
            try {
                if (!onRecord(got, nowNanos)) {
                    return -1;
                }
            } catch (IOException e) {
                log.info("{}: DTLS channel from {} failed: {}", ticket, bridge.peer(), e.toString());
                return -1;
            }
        }
        if (opened == 0 && newPeer == null) {
            counters.dtlsUndecryptableDropped.increment();
        }
        return opened;
    }

    /** An authenticated close_notify or fatal alert: the peer has given this channel up. */
    private boolean endsTheChannel(int alertLength) {
        return alertLength >= 2 && (plain[0] == ALERT_FATAL || plain[1] == CLOSE_NOTIFY_DESCRIPTION);
    }

    /** @return false when the peer ended the DTLS channel (DISCONNECT): the downlink goes back to CSTP at once */
    private boolean onRecord(int length, long nowNanos) throws IOException {
        if (length == 0) {
            return true;
        }
        lastValidNanos = nowNanos;
        ticket.route.prefer(this);
        switch (plain[0]) {
            case DATA -> {
                ticket.session.markData(nowNanos);
                uplinkView.setIndex(1, length);
                counters.dtlsUplinkPackets.increment();
                counters.dtlsUplinkBytes.add(length - 1);
                uplink.forward(ticket.leasedAddress, uplinkView, ticket.leasedAddress);
            }
            case DPD_OUT -> {
                // Echo byte for byte: openconnect's MTU probe only accepts its own bytes back (reference §5.4).
                plain[0] = DPD_RESP;
                synchronized (sendLock) {
                    send(plain, Math.min(length, payloadLimit));
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
     * datagram, see {@link SocketSender}). Too big for a record: over CSTP instead.
     */
    @Override
    public void deliver(ByteBuf packet) {
        int length = packet.readableBytes();
        if (closed || length + 1 > payloadLimit) {
            ticket.route.fallback().deliver(packet);
            return;
        }
        try {
            ticket.session.markData(System.nanoTime());
            synchronized (sendLock) {
                outbound[0] = DATA;
                packet.getBytes(packet.readerIndex(), outbound, 1, length);
                send(outbound, length + 1);
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
                send(DPD_PROBE, 1);
            }
        } catch (IOException e) {
            closed = true;
            ticket.route.withdraw(this);
        }
    }

    /** One application record, under sendLock. */
    private void send(byte[] payload, int length) throws IOException {
        if (records == null) {
            dtls.send(payload, 0, length);
            return;
        }
        bridge.send(sealed, 0, records.seal(GcmRecordLayer.APPLICATION_DATA, payload, 0, length, sealed));
    }

    /** Stops using this channel (downlink back to CSTP) and closes it, with a close_notify. */
    void close() {
        closed = true;
        ticket.route.withdraw(this);
        synchronized (sendLock) {
            try {
                if (records != null) {
                    bridge.send(sealed, 0, records.seal(GcmRecordLayer.ALERT, CLOSE_NOTIFY, 0, 2, sealed));
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
