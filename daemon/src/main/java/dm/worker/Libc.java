package dm.worker;

import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The C library calls a worker makes itself, by JNA's direct mapping (a call costs about a
 * microsecond): epoll and eventfd for the accepting threads' wait ({@link AcceptWait}), the socket
 * calls of a connection ({@link NativeSocket}: why not the JDK's channel), the parent-death signal
 * ({@link ParentProcess}) and the descriptor copies of {@link OutputKeeper}. Each returns -1 on
 * failure, and {@link Native#getLastError()} then has errno.
 */
final class Libc {
    static final int EPOLL_CTL_ADD = 1;
    static final int EPOLLIN = 0x001;
    static final int EPOLLEXCLUSIVE = 1 << 28;
    static final int EPOLL_CLOEXEC = 0x80000;
    static final int EFD_CLOEXEC = 0x80000;
    static final int EFD_NONBLOCK = 0x800;
    /** struct epoll_event: 12 bytes on x86_64 (packed), 16 on the others. */
    static final int EPOLL_EVENT_SIZE = 16;
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
    static final int PR_SET_PDEATHSIG = 1;
    static final int SIGKILL = 9;

    /**
     * False without JNA or one of these calls: the worker then blocks in accept() through the JDK's
     * channel, asks for its parent through ProcessHandle, and has no death signal.
     */
    static final boolean AVAILABLE = bind();

    private Libc() {
    }

    private static boolean bind() {
        try {
            Native.register(Libc.class, "c");
            return true;
        } catch (LinkageError e) {
            return false;
        }
    }

    static native int epoll_create1(int flags);

    static native int epoll_ctl(int epfd, int op, int fd, Pointer event);

    static native int epoll_wait(int epfd, Pointer events, int maxEvents, int timeoutMillis);

    static native int eventfd(int initialValue, int flags);

    static native int accept4(int fd, Pointer address, Pointer addressLength, int flags);

    static native long read(int fd, Pointer buffer, long count);

    static native long write(int fd, Pointer buffer, long count);

    static native int setsockopt(int fd, int level, int name, Pointer value, int length);

    static native int ioctl(int fd, long request, Pointer argument);

    static native int shutdown(int fd, int how);

    static native int close(int fd);

    static native int dup(int fd);

    static native int dup2(int from, int to);

    static native int prctl(int option, long arg2, long arg3, long arg4, long arg5);

    static native int getppid();
}
