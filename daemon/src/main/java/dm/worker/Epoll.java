package dm.worker;

import com.sun.jna.Pointer;

/** Linux's epoll and eventfd, by JNA's direct mapping (a call costs about a microsecond). */
final class Epoll {
    static final int EPOLL_CTL_ADD = 1;
    static final int EPOLLIN = 0x001;
    static final int EPOLLEXCLUSIVE = 1 << 28;
    static final int EPOLL_CLOEXEC = 0x80000;
    static final int EFD_CLOEXEC = 0x80000;
    static final int EFD_NONBLOCK = 0x800;
    /** struct epoll_event: 12 bytes on x86_64 (packed), 16 on the others. */
    static final int EVENT_SIZE = 16;

    /** False without JNA or without these calls: the worker then blocks in accept() as before. */
    static final boolean AVAILABLE = DirectMapping.bindToLibc(Epoll.class);

    private Epoll() {
    }

    static native int epoll_create1(int flags);

    static native int epoll_ctl(int epfd, int op, int fd, Pointer event);

    static native int epoll_wait(int epfd, Pointer events, int maxEvents, int timeoutMillis);

    static native int eventfd(int initialValue, int flags);

    static native long write(int fd, Pointer buffer, long count);

    static native int close(int fd);
}
