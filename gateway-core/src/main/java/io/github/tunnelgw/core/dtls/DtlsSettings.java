package io.github.tunnelgw.core.dtls;

import java.time.Duration;

/**
 * @param dpd                 DTLS DPD interval announced; the gateway probes a DTLS peer silent this long
 * @param keepalive           DTLS keepalive interval announced
 * @param linkMtu             the gateway's link MTU; bounds datagram sizes
 * @param maxHandshakes       concurrent DTLS handshakes allowed (each holds a virtual thread and a queue)
 * @param silenceBeforeFallback downlink goes back to CSTP when nothing valid arrived over DTLS for this long
 * @param warmupHandshakes    in-memory handshakes run before the port opens (see {@link DtlsHandshakeWarmup})
 * @param recordCrypto        which AES-GCM seals and opens the records
 * @param datagramReader      what reads the port's datagrams
 */
public record DtlsSettings(Duration dpd, Duration keepalive, int linkMtu, int maxHandshakes,
                           Duration silenceBeforeFallback, int warmupHandshakes, RecordCrypto recordCrypto,
                           DatagramReader datagramReader) {
    /** Settings derived from the tunnel's DPD: fall back after min(DPD, 10 s) of DTLS silence. */
    public static DtlsSettings of(Duration dpd, Duration keepalive, int linkMtu, int maxHandshakes,
                                  int warmupHandshakes, RecordCrypto recordCrypto, DatagramReader datagramReader) {
        Duration fallback = dpd.compareTo(Duration.ofSeconds(10)) < 0 ? dpd : Duration.ofSeconds(10);
        return new DtlsSettings(dpd, keepalive, linkMtu, maxHandshakes, fallback, warmupHandshakes, recordCrypto,
                datagramReader);
    }
}
