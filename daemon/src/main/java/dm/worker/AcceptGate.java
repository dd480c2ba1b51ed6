package dm.worker;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

import dm.scoreboard.Slot;

/**
 * Where the threads the supervisor has put on standby wait: those whose index is at or above
 * their worker's accept limit ({@link Slot#acceptLimit()}, lowered while the machine's CPU is
 * saturated). They park here, idle and costing nothing, instead of waiting for a connection; the
 * {@link Watchdog} lets them through when the limit rises again, {@link #openForGood()} when the
 * worker stops accepting. A thread that is let through too late is let through at the
 * watchdog's next look, so a race costs one period at most.
 */
final class AcceptGate {
    private final Slot slot;
    private final AtomicReferenceArray<Thread> parked;
    private volatile boolean openForGood;

    AcceptGate(Slot slot, int threads) {
        this.slot = slot;
        this.parked = new AtomicReferenceArray<>(threads);
    }

    /**
     * Accepting thread {@code index}: returns once it may take a new connection, or the worker stops
     * accepting; true when it had to wait (the caller then looks again at whether to leave).
     */
    boolean pass(int index) {
        if (index < slot.acceptLimit() || openForGood) {
            return false; // every connection passes here: one read of the mapped record, no system call
        }
        parked.set(index, Thread.currentThread());
        while (index >= slot.acceptLimit() && !openForGood) {
            LockSupport.park(this);
        }
        parked.set(index, null);
        return true;
    }

    /** Watchdog: wakes the parked threads the limit now lets through. */
    void admit() {
        int limit = Math.min(slot.acceptLimit(), parked.length());
        for (int i = 0; i < limit; i++) {
            Thread thread = parked.get(i);
            if (thread != null) {
                LockSupport.unpark(thread);
            }
        }
    }

    /** Every thread through, now and from now on: the worker accepts nothing more, and they must see that and end. */
    void openForGood() {
        openForGood = true;
        for (int i = 0; i < parked.length(); i++) {
            Thread thread = parked.get(i);
            if (thread != null) {
                LockSupport.unpark(thread);
            }
        }
    }

    /** Threads parked here now. */
    int parkedThreads() {
        int count = 0;
        for (int i = 0; i < parked.length(); i++) {
            if (parked.get(i) != null) {
                count++;
            }
        }
        return count;
    }
}
