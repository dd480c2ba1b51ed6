package dm.worker;

import com.sun.jna.Pointer;

/**
 * The socket calls of an accepted connection, made directly (JNA's direct mapping) instead of
 * through the JDK's channel: see {@link NativeSocket} for why. Each returns -1 on failure, and
 * {@link com.sun.jna.Native#getLastError()} then has errno.
 */
final class SocketCalls {
    static final int SOCK_CLOEXEC = 0x80000;
    static final int IPPROTO_TCP = 6;
    static final int TCP_NODELAY = 1;
    static final int SHUT_RD = 0;
    static final int FIONREAD = 0x541B;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int EPIPE = 32;
    static final int ECONNABORTED = 103;
    static final int ECONNRESET = 104;
    /** struct sockaddr_in6 is 28 bytes, sockaddr_in 16. */
    static final int SOCKADDR_SIZE = 28;

    /** False without JNA or these calls: the worker then accepts through the JDK. */
    static final boolean AVAILABLE = DirectMapping.bindToLibc(SocketCalls.class);

    private SocketCalls() {
    }

    static native int accept4(int fd, Pointer address, Pointer addressLength, int flags);

    static native long read(int fd, Pointer buffer, long count);

    static native long write(int fd, Pointer buffer, long count);

    static native int setsockopt(int fd, int level, int name, Pointer value, int length);

    static native int ioctl(int fd, long request, Pointer argument);

    static native int shutdown(int fd, int how);

    static native int close(int fd);
}
