package dm.daemon;

import dm.scoreboard.Slot;

/**
 * One place in the pool: the worker in it (if any), its shared record in the scoreboard, its
 * crash back-off, and whether a worker is due to be started into it (and from when).
 */
final class PoolSlot {
    final int index;
    final Slot record;
    WorkerProcess worker;
    RestartBackoff backoff;
    private boolean replacementDue;
    private long replaceAtNanos;
    private boolean replacesLostWorker;

    PoolSlot(int index, Slot record, RestartBackoff backoff) {
        this.index = index;
        this.record = record;
        this.backoff = backoff;
    }

    boolean empty() {
        return worker == null;
    }

    /** No worker, and none due: free for the pool to grow into. */
    boolean free() {
        return worker == null && !replacementDue;
    }

    boolean replacementDue() {
        return replacementDue;
    }

    /**
     * A worker is to be started here once {@code nowNanos} reaches {@code atNanos}; {@code lostWorker}:
     * it replaces one that served and died unasked.
     */
    void replaceAt(long atNanos, boolean lostWorker) {
        replacementDue = true;
        replaceAtNanos = atNanos;
        replacesLostWorker = lostWorker;
    }

    /** The worker due here replaces one that served and died unasked (a crash, a kill). */
    boolean replacesLostWorker() {
        return replacesLostWorker;
    }

    boolean replacementDueBy(long nowNanos) {
        return replacementDue && worker == null && nowNanos - replaceAtNanos >= 0;
    }

    long replaceAtNanos() {
        return replaceAtNanos;
    }

    void cancelReplacement() {
        replacementDue = false;
    }
}
