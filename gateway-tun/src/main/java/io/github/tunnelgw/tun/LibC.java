package io.github.tunnelgw.tun;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

/** The few libc calls the tun edge needs, bound by JNA direct mapping. None of them runs per packet. */
final class LibC {
    static final int O_RDWR = 2;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final int F_GETFL = 3;
    static final int F_SETFL = 4;
    static final int AF_INET = 2;
    static final int SOCK_DGRAM = 2;
    static final short POLLIN = 1;
    static final int CLONE_NEWNET = 0x40000000;

    static {
        Native.register(LibC.class, "c");
    }

    private LibC() {
    }

    static native int open(String path, int flags) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native int ioctl(int fd, NativeLong request, Pointer argument) throws LastErrorException;

    static native int fcntl(int fd, int command, int argument) throws LastErrorException;

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native int poll(Pointer fds, NativeLong count, int timeoutMillis) throws LastErrorException;

    static native int setns(int fd, int nstype) throws LastErrorException;

    static String describe(LastErrorException e) {
        return switch (e.getErrorCode()) {
            case 1 -> "operation not permitted (needs CAP_NET_ADMIN)";
            case 2 -> "no such file or directory";
            case 13 -> "permission denied (needs CAP_NET_ADMIN)";
            case 16 -> "device or resource busy";
            case 19 -> "no such device";
            case 22 -> "invalid argument";
            default -> "errno " + e.getErrorCode();
        };
    }
}
