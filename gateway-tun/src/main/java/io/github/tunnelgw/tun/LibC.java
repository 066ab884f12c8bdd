package io.github.tunnelgw.tun;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

/**
 * The few libc calls the tun edge needs, bound by JNA direct mapping. None of them runs per packet: packets move
 * through Netty's JNI (see {@link TunQueue}); these set devices up and wait for readiness.
 */
final class LibC {
    static final int O_RDONLY = 0;
    static final int O_RDWR = 2;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final int F_GETFL = 3;
    static final int F_SETFL = 4;
    static final int AF_UNIX = 1;
    static final int SOCK_SEQPACKET = 5;
    static final int SHUT_RDWR = 2;
    static final int AF_INET = 2;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int CLONE_NEWNET = 0x40000000;

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EACCES = 13;
    static final int EBUSY = 16;
    static final int ENODEV = 19;
    static final int EINVAL = 22;

    static {
        Native.register(LibC.class, "c");
    }

    private LibC() {
    }

    static native int open(String path, int flags) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native int ioctl(int fd, NativeLong request, Pointer argument) throws LastErrorException;

    /** For requests that take their argument by value, such as TUNSETOFFLOAD. */
    static native int ioctl(int fd, NativeLong request, NativeLong argument) throws LastErrorException;

    static native int fcntl(int fd, int command, int argument) throws LastErrorException;

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native int socketpair(int domain, int type, int protocol, int[] pair) throws LastErrorException;

    static native int shutdown(int fd, int how) throws LastErrorException;

    /** Moves the calling thread (not the process) into the namespace behind {@code fd}. */
    static native int setns(int fd, int nstype) throws LastErrorException;

    static native String strerror(int errno);

    /** The C library's text for an errno, in lower case to read well after a colon, e.g. "permission denied". */
    static String describe(int errno) {
        String text = strerror(errno);
        if (text == null || text.isEmpty()) {
            return "errno " + errno;
        }
        return Character.toLowerCase(text.charAt(0)) + text.substring(1) + " (errno " + errno + ")";
    }

    static String describe(LastErrorException e) {
        return describe(e.getErrorCode());
    }
}
