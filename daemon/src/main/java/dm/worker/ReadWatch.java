package dm.worker;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The read deadline of one accepting thread's connection, kept in memory instead of in the
 * socket's SO_TIMEOUT: a timed read through the JDK's socket adaptor switches the connection to
 * non-blocking mode and back around every read (two fcntl calls each time), while an untimed
 * blocking read is one read(2). The thread arms the deadline before each read and disarms it
 * after; the worker's {@link Watchdog} looks at it every {@link Watchdog#PERIOD_MILLIS} and, once
 * it has passed, shuts down the connection's input, which ends the blocked read. So a timeout
 * fires up to one watchdog period late (the first read after an idle pause: up to a tenth of its
 * timeout, see {@link Watchdog}).
 */
final class ReadWatch {
    private static final long NOT_READING = 0;
    /** Set by the watchdog in place of a passed deadline: the reader must report a timeout. */
    private static final long EXPIRED = Long.MIN_VALUE;

    private final LongSupplier nanoClock;
    /** NOT_READING, EXPIRED, or the System.nanoTime() by which the current read must return (never 0 or EXPIRED). */
    private final AtomicLong deadline = new AtomicLong(NOT_READING);
    private volatile ClientSocket connection;

    ReadWatch() {
        this(System::nanoTime);
    }

    ReadWatch(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** The accepting thread: from now on its reads are on {@code socket}. */
    void watch(ClientSocket socket) {
        connection = socket;
    }

    /** The accepting thread: the connection is closed. */
    void unwatch() {
        deadline.set(NOT_READING);
        connection = null;
    }

    /** Whether a connection is being served: only then can a read be overdue. */
    boolean watching() {
        return connection != null || deadline.get() != NOT_READING;
    }

    /** Before a read that may wait at most {@code millis} (0: no limit). */
    void arm(int millis) {
        if (millis > 0) {
            long due = nanoClock.getAsLong() + TimeUnit.MILLISECONDS.toNanos(millis);
            deadline.set(due == NOT_READING || due == EXPIRED ? due + 1 : due);
        }
    }

    /** After the read, whether it returned or threw: true if the watchdog cut it, i.e. it timed out. */
    boolean disarm() {
        return deadline.getAndSet(NOT_READING) == EXPIRED;
    }

    /**
     * The watchdog: if the current read is past its deadline, marks it timed out and shuts down
     * the connection's input so that the blocked read returns. Returns whether it did.
     */
    boolean expireOverdueRead() {
        long due = deadline.get();
        if (due == NOT_READING || due == EXPIRED || nanoClock.getAsLong() - due < 0) {
            return false;
        }
        // Only the watchdog moves a deadline to EXPIRED; losing this race means the read returned in time.
        if (!deadline.compareAndSet(due, EXPIRED)) {
            return false;
        }
        ClientSocket socket = connection;
        if (socket != null) {
            socket.shutdownInput();
        }
        return true;
    }
}
