package io.github.tunnelgw.core.dtls;

import io.netty.buffer.ByteBuf;
import org.bouncycastle.tls.CipherSuite;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * The DTLS 1.2 AES-GCM records (RFC 5288, RFC 6347) of an established association, sealed and opened here with the
 * {@link AeadEngine} of {@code dtls.recordCrypto} (GnuTLS, or the JDK's AES-GCM) instead of in Bouncy Castle's record
 * layer, which allocates 1.3–3 kB and copies each record several times (a profile of a DTLS transfer had ~18 % of
 * the gateway's CPU in it). Bouncy Castle still runs the handshake and everything that is not application data or
 * an alert in epoch 1 (a retransmitted Finished, for instance); this class takes over once the handshake is done,
 * with the key block derived from the handshake's master secret.
 *
 * <p>Records: 13-byte header (type, version FEFD, epoch, 48-bit sequence number, length), an 8-byte explicit nonce
 * (epoch and sequence number, as Bouncy Castle and GnuTLS send it), the ciphertext and a 16-byte tag; the
 * additional data is the sequence number with epoch, type, version and plaintext length. Outgoing sequence numbers
 * start at {@link #FIRST_SEQUENCE}, far above the few Bouncy Castle spent in epoch 1 on its Finished and
 * retransmissions, so no nonce is ever used twice. Incoming records pass a 64-record replay window.
 *
 * <p>Records are sealed and opened where they lie, in the buffer they travel in (see {@link RecordAead}).
 * Sealing is guarded by the caller (the association's send lock); opening belongs to the event loop.
 */
final class GcmRecordLayer {
    static final int HEADER = 13;
    static final int EXPLICIT_NONCE = 8;
    static final int TAG = RecordAead.TAG;
    /** Bytes in front of a record's plaintext: the header and the explicit nonce. */
    static final int FRONT = HEADER + EXPLICIT_NONCE;
    /** Bytes a record adds to its plaintext. */
    static final int OVERHEAD = FRONT + TAG;
    static final int APPLICATION_DATA = 23;
    static final int ALERT = 21;
    static final int EPOCH = 1;
    static final long FIRST_SEQUENCE = 1L << 24;
    private static final long LAST_SEQUENCE = (1L << 48) - 1;
    private static final int SALT = 4;
    private static final int VERSION = 0xFEFD;

    private final byte[] sealNonce = new byte[SALT + EXPLICIT_NONCE];
    private final byte[] openNonce = new byte[SALT + EXPLICIT_NONCE];
    private final byte[] sealAad = new byte[HEADER];
    private final byte[] openAad = new byte[HEADER];
    private final RecordAead sealer;
    private final RecordAead opener;
    private long nextSequence = FIRST_SEQUENCE;
    private long highestOpened;
    private long openedBitmap = 1; // the client's Finished, epoch 1 sequence 0, was opened by Bouncy Castle

    private GcmRecordLayer(AeadEngine engine, byte[] writeKey, byte[] writeSalt, byte[] readKey, byte[] readSalt)
            throws GeneralSecurityException {
        System.arraycopy(writeSalt, 0, sealNonce, 0, SALT);
        System.arraycopy(readSalt, 0, openNonce, 0, SALT);
        this.sealer = engine.newKey(writeKey);
        try {
            this.opener = engine.newKey(readKey);
        } catch (GeneralSecurityException | RuntimeException e) {
            sealer.close();
            throw e;
        }
    }

    /** AES key length of the suites openconnect negotiates, or -1 for a suite this class does not handle. */
    static int keyLength(int cipherSuite) {
        return switch (cipherSuite) {
            case CipherSuite.TLS_PSK_WITH_AES_256_GCM_SHA384 -> 32;
            case CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256 -> 16;
            default -> -1;
        };
    }

    /** Bytes of the TLS 1.2 key block an AEAD suite needs: two keys and two 4-byte salts, no MAC keys. */
    static int keyBlockLength(int keyLength) {
        return 2 * keyLength + 2 * SALT;
    }

    /**
     * The server's record layer from the key block ({@code client_write_key, server_write_key, client_write_IV,
     * server_write_IV}): it writes with the server's key and reads with the client's.
     */
    static GcmRecordLayer forServer(AeadEngine engine, int keyLength, byte[] keyBlock) throws GeneralSecurityException {
        return fromKeyBlock(engine, keyLength, keyBlock, true);
    }

    /** Mirror image, for a test client: writes with the client's key and reads with the server's. */
    static GcmRecordLayer forClient(AeadEngine engine, int keyLength, byte[] keyBlock) throws GeneralSecurityException {
        return fromKeyBlock(engine, keyLength, keyBlock, false);
    }

    private static GcmRecordLayer fromKeyBlock(AeadEngine engine, int keyLength, byte[] keyBlock, boolean server)
            throws GeneralSecurityException {
        if (keyBlock.length != keyBlockLength(keyLength)) {
            throw new IllegalArgumentException("key block of " + keyBlock.length + " bytes for " + keyLength + "-byte keys");
        }
        byte[] clientKey = Arrays.copyOfRange(keyBlock, 0, keyLength);
        byte[] serverKey = Arrays.copyOfRange(keyBlock, keyLength, 2 * keyLength);
        byte[] clientSalt = Arrays.copyOfRange(keyBlock, 2 * keyLength, 2 * keyLength + SALT);
        byte[] serverSalt = Arrays.copyOfRange(keyBlock, 2 * keyLength + SALT, 2 * keyLength + 2 * SALT);
        try {
            return server ? new GcmRecordLayer(engine, serverKey, serverSalt, clientKey, clientSalt)
                    : new GcmRecordLayer(engine, clientKey, clientSalt, serverKey, serverSalt);
        } finally {
            Arrays.fill(clientKey, (byte) 0);
            Arrays.fill(serverKey, (byte) 0);
        }
    }

    /** Forgets both keys (native memory is freed at once); sealing and opening fail afterwards. */
    void close() {
        sealer.close();
        opener.close();
    }

    /**
     * Seals the plaintext readable in {@code record} where it lies: the header and explicit nonce are written into
     * the {@link #FRONT} bytes in front of the reader index, the plaintext is encrypted in place and the tag is
     * written behind it; the indices then span the whole record.
     *
     * @return the record's length (plaintext plus {@link #OVERHEAD})
     * @throws IllegalArgumentException if there are fewer than {@link #FRONT} bytes in front or {@link #TAG} behind
     * @throws IOException              if the sequence numbers are used up (after 2^48 records: the client must
     *                                  reconnect) or the cipher failed
     */
    int seal(int type, ByteBuf record) throws IOException {
        int plainAt = record.readerIndex();
        int length = record.readableBytes();
        int start = plainAt - FRONT;
        if (start < 0 || record.capacity() - record.writerIndex() < TAG) {
            throw new IllegalArgumentException("a record needs " + FRONT + " bytes in front of its plaintext and "
                    + TAG + " behind");
        }
        if (nextSequence > LAST_SEQUENCE) {
            throw new IOException("DTLS sequence numbers exhausted");
        }
        long sequence = nextSequence++;
        long epochAndSequence = (long) EPOCH << 48 | sequence;
        record.setByte(start, type);
        record.setShort(start + 1, VERSION);
        record.setLong(start + 3, epochAndSequence); // epoch and 48-bit sequence number: bytes 3 to 10
        record.setShort(start + 11, EXPLICIT_NONCE + length + TAG);
        record.setLong(start + HEADER, epochAndSequence);
        putLong(sealNonce, SALT, epochAndSequence);
        writeAad(sealAad, type, epochAndSequence, length);
        try {
            sealer.seal(sealNonce, sealAad, record, plainAt, length);
        } catch (IllegalStateException e) {
            throw new IOException("AES-GCM seal failed: " + e.getMessage(), e);
        }
        record.setIndex(start, plainAt + length + TAG);
        return length + OVERHEAD;
    }

    /** Whether the record at {@code index} is one this layer opens: application data or an alert, in epoch 1. */
    static boolean isOurs(ByteBuf datagram, int index, int end) {
        if (end - index < HEADER) {
            return false;
        }
        int type = datagram.getUnsignedByte(index);
        return (type == APPLICATION_DATA || type == ALERT) && datagram.getUnsignedShort(index + 3) == EPOCH;
    }

    /** Length of the whole record at {@code index} (header included), or -1 if it does not end by {@code end}. */
    static int recordLength(ByteBuf datagram, int index, int end) {
        if (end - index < HEADER) {
            return -1;
        }
        int length = HEADER + datagram.getUnsignedShort(index + 11);
        return index + length <= end ? length : -1;
    }

    /**
     * Opens the record of {@code recordLength} bytes at {@code index} where it lies: its plaintext then starts
     * {@link #FRONT} bytes after {@code index}. The datagram's indices are not moved.
     *
     * @return the plaintext length, or -1 if the record is malformed, replayed or does not authenticate (nothing
     * about the association changes then; the record's bytes may be garbage)
     */
    int open(ByteBuf datagram, int index, int recordLength) {
        int ciphertext = recordLength - FRONT;
        if (ciphertext < TAG || datagram.getUnsignedShort(index + 1) != VERSION) {
            return -1;
        }
        long epochAndSequence = datagram.getLong(index + 3);
        long sequence = epochAndSequence & LAST_SEQUENCE;
        if (!isFresh(sequence)) {
            return -1;
        }
        int type = datagram.getUnsignedByte(index);
        datagram.getBytes(index + HEADER, openNonce, SALT, EXPLICIT_NONCE);
        writeAad(openAad, type, epochAndSequence, ciphertext - TAG);
        int opened;
        try {
            opened = opener.open(openNonce, openAad, datagram, index + FRONT, ciphertext);
        } catch (IllegalStateException closed) {
            return -1;
        }
        if (opened < 0) {
            return -1;
        }
        markOpened(sequence);
        return opened;
    }

    private boolean isFresh(long sequence) {
        if (sequence > highestOpened) {
            return true;
        }
        long age = highestOpened - sequence;
        return age < 64 && (openedBitmap & (1L << age)) == 0;
    }

    private void markOpened(long sequence) {
        if (sequence > highestOpened) {
            long shift = sequence - highestOpened;
            openedBitmap = shift >= 64 ? 1 : openedBitmap << shift | 1;
            highestOpened = sequence;
        } else {
            openedBitmap |= 1L << (highestOpened - sequence);
        }
    }

    private static void writeAad(byte[] aad, int type, long epochAndSequence, int plainLength) {
        putLong(aad, 0, epochAndSequence);
        aad[8] = (byte) type;
        putShort(aad, 9, VERSION);
        putShort(aad, 11, plainLength);
    }

    private static void putShort(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    private static void putInt(byte[] b, int at, int v) {
        putShort(b, at, v >>> 16);
        putShort(b, at + 2, v);
    }

    private static void putLong(byte[] b, int at, long v) {
        putInt(b, at, (int) (v >>> 32));
        putInt(b, at + 4, (int) v);
    }
}
