package io.github.tunnelgw.tun;

import io.netty.channel.epoll.Epoll;

import java.io.IOException;

/** Netty's native epoll library, whose JNI carries every tun packet ({@code FileDescriptor.readAddress}...). */
final class NativeTransport {
    private NativeTransport() {
    }

    /** Loads the library once; the JNI methods of FileDescriptor fail with UnsatisfiedLinkError until it is. */
    static void ensureLoaded() throws IOException {
        try {
            Epoll.ensureAvailability();
        } catch (Error e) {
            throw new IOException("Netty's native epoll transport is not available on this machine "
                    + "(netty-transport-native-epoll for linux-x86_64): " + e.getMessage(), e);
        }
    }
}
