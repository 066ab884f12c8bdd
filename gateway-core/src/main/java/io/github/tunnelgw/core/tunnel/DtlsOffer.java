package io.github.tunnelgw.core.tunnel;

import java.time.Duration;

/**
 * What a CONNECT response announces when it offers PSK-NEGOTIATE DTLS (reference §3.3, §5.6).
 *
 * @param port      UDP port of the DTLS listener ({@code X-DTLS-Port})
 * @param appIdHex  the fresh 32-byte id as 64 hex digits ({@code X-DTLS-App-ID})
 * @param dpd       DTLS dead-peer-detection interval ({@code X-DTLS-DPD})
 * @param keepalive DTLS keepalive interval ({@code X-DTLS-Keepalive})
 */
public record DtlsOffer(int port, String appIdHex, Duration dpd, Duration keepalive) {
    /** Record overhead of DTLS 1.2 with AES-GCM plus the type byte: header 13, explicit nonce 8, tag 16, type 1. */
    public static final int GCM_OVERHEAD = 13 + 8 + 16 + 1;
}
