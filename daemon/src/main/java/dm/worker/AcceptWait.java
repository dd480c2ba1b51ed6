package dm.worker;

import com.sun.jna.Memory;

/**
 * Where an idle accepting thread waits for a connection instead of blocking in accept(): its own
 * epoll instance, watching the listening socket (fd 0) with EPOLLEXCLUSIVE, and the worker's
 * {@link AcceptWakeup}.
 *
 * <p>Why: threads blocked in accept() get connections in the order they began to wait, so each
 * connection went to the thread that had been idle longest, usually in another worker JVM, with
 * cold caches and a switch of address space. With 8 workers of 8 threads that cost 2 to 3 times the
 * CPU per short connection of a C prefork server. The kernel offers a connection to the
 * EPOLLEXCLUSIVE waiters in the order their epoll instances were registered, and stops at the first
 * that has a thread waiting: the first idle thread of the oldest worker. Connections so stay on as
 * few threads and workers as the load needs, the ones already running. The price is one
 * epoll_wait per connection, and the listening socket must be non-blocking: more than one thread
 * may be woken, and the ones that lose the race must not block in accept().
 */
final class AcceptWait {
    private final int epollFd;
    private final Memory event = new Memory(Libc.EPOLL_EVENT_SIZE);

    private AcceptWait(int epollFd) {
        this.epollFd = epollFd;
    }

    /** Null when the kernel refuses (the caller then blocks in accept()). */
    static AcceptWait open(int listenerFd, AcceptWakeup wakeup) {
        int epollFd = Libc.epoll_create1(Libc.EPOLL_CLOEXEC);
        if (epollFd < 0) {
            return null;
        }
        Memory interest = new Memory(Libc.EPOLL_EVENT_SIZE);
        interest.clear();
        interest.setInt(0, Libc.EPOLLIN | Libc.EPOLLEXCLUSIVE);
        boolean added = Libc.epoll_ctl(epollFd, Libc.EPOLL_CTL_ADD, listenerFd, interest) == 0;
        interest.setInt(0, Libc.EPOLLIN);
        added = added && Libc.epoll_ctl(epollFd, Libc.EPOLL_CTL_ADD, wakeup.fd(), interest) == 0;
        if (!added) {
            Libc.close(epollFd);
            return null;
        }
        return new AcceptWait(epollFd);
    }

    /**
     * Returns when a connection may be waiting, when the worker stops accepting, or on a signal;
     * the caller's accept() then tells which (null: none waiting, another thread got it).
     */
    void await() {
        Libc.epoll_wait(epollFd, event, 1, -1);
    }

    /** Takes this thread out of the listening socket's queue of waiters. */
    void close() {
        Libc.close(epollFd);
    }
}
