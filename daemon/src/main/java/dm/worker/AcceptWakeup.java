package dm.worker;

import com.sun.jna.Memory;

/**
 * Wakes all of a worker's threads waiting in {@link AcceptWait} at once, when the worker stops
 * accepting (asked to leave, or worker.max-requests): an eventfd that every thread's epoll
 * instance also watches. Closing the listening channel alone would not do: a thread in epoll_wait
 * does not notice that fd 0 was closed, since the other workers keep the socket open.
 */
final class AcceptWakeup {
    private final int fd;

    private AcceptWakeup(int fd) {
        this.fd = fd;
    }

    /** Null when epoll or eventfd cannot be had here. */
    static AcceptWakeup create() {
        if (!Libc.AVAILABLE) {
            return null;
        }
        int fd = Libc.eventfd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        return fd < 0 ? null : new AcceptWakeup(fd);
    }

    int fd() {
        return fd;
    }

    /** Once written, the eventfd stays readable: every later wait returns at once too. */
    void wakeAll() {
        Memory one = new Memory(8);
        one.setLong(0, 1);
        Libc.write(fd, one, 8);
    }

    void close() {
        Libc.close(fd);
    }
}
