package io.github.tunnelgw.core.dtls;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** App-ID to ticket, written at CONNECT and when a CSTP connection closes, read by the DTLS event loop. */
final class DtlsDirectory {
    private final Map<AppId, DtlsTicket> byAppId = new ConcurrentHashMap<>();

    DtlsTicket find(AppId appId) {
        return byAppId.get(appId);
    }

    /** @return false if the id is already taken (a 2^-256 event, but never silently overwrite a session) */
    boolean add(DtlsTicket ticket) {
        return byAppId.putIfAbsent(ticket.appId, ticket) == null;
    }

    void remove(DtlsTicket ticket) {
        byAppId.remove(ticket.appId, ticket);
    }

    int size() {
        return byAppId.size();
    }
}
