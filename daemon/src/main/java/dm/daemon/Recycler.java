package dm.daemon;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dm.config.ServerConfig;
import dm.scoreboard.ShutdownRequest;
import dm.scoreboard.Slot;
import dm.scoreboard.WorkerState;

/**
 * Replaces workers that are done: those that reached worker.max-requests or grew beyond
 * worker.max-pss-mib, and the class-archive trainer once it accepts (its classes are loaded, so it
 * may go and write the archive).
 */
final class Recycler {
    private static final Logger log = LoggerFactory.getLogger("supervisor");

    private final Pool pool;
    /** Slots whose worker was recycled with no free slot for a replacement: pid of that worker, until the slot accepts again. */
    private final Map<Integer, Long> refilling = new HashMap<>();
    /** The worker.max-pss-mib that a worker exceeded before serving anything, as last reported (0: none). */
    private int belowFreshReportedFor;

    Recycler(Pool pool) {
        this.pool = pool;
    }

    /**
     * A worker that is serving, or has served, its last connection (worker.max-requests), or whose
     * PSS is over worker.max-pss-mib, gets its replacement now; once the replacement accepts, the old
     * one is told to go and finishes the connection it has. So capacity never dips below what it
     * was. Without a free slot, it goes at once and is replaced in its own slot.
     */
    void replaceRetiringWorkers(ServerConfig config) {
        forgetRefilledSlots();
        for (WorkerProcess worker : pool.workers(w -> !w.askedToLeave() && !w.killed())) {
            if (worker.replacementSlot >= 0) {
                PoolSlot replacement = pool.slot(worker.replacementSlot);
                if (replacement.worker == null && replacement.replacementDue()) {
                    continue; // still waiting for its turn to boot (pool.max-booting): not a failed start
                }
                if (replacement.worker == null || replacement.record.state() != WorkerState.STARTING) {
                    log.info("worker {} (slot {}) is told to go: {}", worker.pid, worker.slot, replacement.worker == null
                            ? "its replacement did not start (slot " + replacement.index + " gets another)"
                            : "its replacement, worker " + replacement.worker.pid + " (slot " + replacement.index + "), accepts");
                    pool.askToLeave(worker, ShutdownRequest.SHUTDOWN);
                }
                continue;
            }
            Slot record = pool.slot(worker.slot).record;
            String why;
            if (record.reachedMaxCalls()) {
                // It accepts nothing more whatever we do, so holding it back would only delay its replacement.
                why = "reached worker.max-requests";
            } else if (overMemoryLimit(worker, record, config)) {
                if (!mayTakeAnother(worker, config)) {
                    continue;
                }
                why = String.format(Locale.ROOT, "uses %.1f MiB PSS, over worker.max-pss-mib = %d",
                        record.pssKib() / 1024.0, config.maxPssMib());
            } else {
                continue;
            }
            worker.recycledFor = why;
            int free = pool.freeSlot();
            if (free < 0) {
                log.info("worker {} (slot {}) {}: no free slot for a replacement (pool.max), so it leaves first and is"
                        + " replaced in its slot", worker.pid, worker.slot, why);
                refilling.put(worker.slot, worker.pid);
                pool.askToLeave(worker, ShutdownRequest.RESTART);
                continue;
            }
            worker.replacementSlot = free;
            log.info("worker {} (slot {}) {}: its replacement starts in slot {}", worker.pid, worker.slot, why, free);
            pool.replaceNow(free);
        }
    }

    /**
     * worker.max-pss-mib: over the limit once it has served a connection. A worker that is over before
     * serving anything would be replaced by one just as big, and that one again: the limit is below
     * what a fresh worker needs, which the log says once instead of recycling without end.
     */
    private boolean overMemoryLimit(WorkerProcess worker, Slot record, ServerConfig config) {
        long limitKib = config.maxPssMib() * 1024L;
        if (limitKib == 0 || record.pssKib() <= limitKib) {
            return false;
        }
        WorkerState state = record.state();
        if (state != WorkerState.IDLE && state != WorkerState.BUSY) {
            return false;
        }
        if (record.calls() == 0) {
            if (belowFreshReportedFor != config.maxPssMib()) {
                belowFreshReportedFor = config.maxPssMib();
                log.warn("worker {} (slot {}) uses {} MiB PSS before serving any connection, over worker.max-pss-mib = {}:"
                        + " workers are not recycled for memory before they serve; raise worker.max-pss-mib",
                        worker.pid, worker.slot, record.pssKib() / 1024, config.maxPssMib());
            }
            return false;
        }
        return true;
    }

    /**
     * The min-spare guard: recycling takes one worker at a time, and a second one at once only while at
     * least pool.min-spare others stay idle. Else a pool whose workers all grow alike would lose most of
     * its capacity in the same tick.
     */
    private boolean mayTakeAnother(WorkerProcess candidate, ServerConfig config) {
        WorkerProcess other = pool.workers(w -> w != candidate && w.recycledFor != null).stream().findFirst().orElse(null);
        if (other == null && refilling.isEmpty()) {
            return true;
        }
        // Idle threads (with worker.threads = 1, workers) other than the candidate's own.
        Slot record = pool.slot(candidate.slot).record;
        int idleOthers = pool.census().idle() - (record.lifecycle() == WorkerState.IDLE ? record.idleThreads() : 0);
        if (idleOthers >= config.minSpare()) {
            return true;
        }
        if (!candidate.recyclingHeldReported) {
            candidate.recyclingHeldReported = true;
            String busy = other != null ? "worker " + other.pid + " (slot " + other.slot + ")"
                    : "slot " + refilling.keySet().iterator().next();
            log.info("worker {} (slot {}) is over worker.max-pss-mib but waits: {} is being recycled and {} other"
                    + " worker(s) are idle, fewer than pool.min-spare = {}", candidate.pid, candidate.slot, busy,
                    idleOthers, config.minSpare());
        }
        return false;
    }

    /** A slot recycled without a replacement is done once a new worker in it accepts (or nothing is due there). */
    private void forgetRefilledSlots() {
        for (Iterator<Map.Entry<Integer, Long>> it = refilling.entrySet().iterator(); it.hasNext();) {
            Map.Entry<Integer, Long> entry = it.next();
            PoolSlot slot = pool.slot(entry.getKey());
            boolean accepting = slot.worker != null && slot.worker.pid != entry.getValue()
                    && slot.record.state() != WorkerState.STARTING;
            if (accepting || slot.free()) {
                it.remove();
            }
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
