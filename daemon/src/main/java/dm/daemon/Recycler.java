package dm.daemon;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dm.scoreboard.ShutdownRequest;
import dm.scoreboard.Slot;
import dm.scoreboard.WorkerState;

/**
 * Replaces workers that are done: those that reached worker.max-requests, and the class-archive
 * trainer once it accepts (its classes are loaded, so it may go and write the archive).
 */
final class Recycler {
    private static final Logger log = LoggerFactory.getLogger("supervisor");

    private final Pool pool;

    Recycler(Pool pool) {
        this.pool = pool;
    }

    /**
     * worker.max-requests: a worker that is serving, or has served, its last connection gets its
     * replacement now; once the replacement accepts, the old one is told to go. So capacity never
     * dips below what it was. Without a free slot, it goes at once and is replaced in its own slot.
     */
    void replaceRetiringWorkers() {
        for (WorkerProcess worker : pool.workers(w -> !w.askedToLeave())) {
            if (worker.replacementSlot >= 0) {
                PoolSlot replacement = pool.slot(worker.replacementSlot);
                if (replacement.worker == null || replacement.record.state() != WorkerState.STARTING) {
                    pool.askToLeave(worker, ShutdownRequest.SHUTDOWN);
                }
                continue;
            }
            if (!pool.slot(worker.slot).record.reachedMaxCalls()) {
                continue;
            }
            int free = pool.freeSlot();
            if (free < 0) {
                pool.askToLeave(worker, ShutdownRequest.RESTART);
                continue;
            }
            worker.replacementSlot = free;
            log.info("worker {} (slot {}) reached worker.max-requests: its replacement starts in slot {}", worker.pid,
                    worker.slot, free);
            pool.replaceNow(free);
        }
    }

    void restartTrainedWorker() {
        for (WorkerProcess worker : pool.workers(w -> w.trainer && !w.askedToLeave())) {
            // With several threads, once it accepts: all of them idle at one tick may never happen under load,
            // and asked to leave it still finishes every connection it has.
            Slot record = pool.slot(worker.slot).record;
            WorkerState state = record.threadCount() == 1 ? record.state() : record.lifecycle();
            if (state == WorkerState.IDLE) {
                log.info("worker {} (slot {}) leaves to write the class archive; a worker from the archive replaces it",
                        worker.pid, worker.slot);
                pool.askToLeave(worker, ShutdownRequest.RESTART);
            }
        }
    }
}
