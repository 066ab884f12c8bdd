package io.github.tunnelgw.core.dtls;

import java.net.InetSocketAddress;

/** A DTLS handshake in flight: its peer, its queue-backed transport and the thread that runs BC's blocking accept. */
final class DtlsHandshake {
    final DtlsTicket ticket;
    final InetSocketAddress peer;
    final DatagramBridge bridge;
    final ClientHelloInspector.Result hello;
    final long startedNanos;
    Thread thread;

    DtlsHandshake(DtlsTicket ticket, InetSocketAddress peer, DatagramBridge bridge, ClientHelloInspector.Result hello,
                  long startedNanos) {
        this.ticket = ticket;
        this.peer = peer;
        this.bridge = bridge;
        this.hello = hello;
        this.startedNanos = startedNanos;
    }

    /** Stops the handshake: its transport fails the next receive and the thread is woken from its wait. */
    void abort() {
        bridge.close();
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }
}
