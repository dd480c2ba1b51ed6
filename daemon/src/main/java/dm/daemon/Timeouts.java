package dm.daemon;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dm.config.ServerConfig;
import dm.net.Addresses;
import dm.scoreboard.Control;
import dm.scoreboard.Slot;
import dm.scoreboard.ThreadSlot;
import dm.scoreboard.WorkerState;

/**
 * The time limits the supervisor enforces on workers: worker.request-timeout-ms (kill a worker
 * stuck on one connection, after a thread dump that shows where it is stuck), worker.slow-request-ms
 * (report it once) and shutdown.timeout-ms (kill a worker asked to leave that is still busy).
 */
final class Timeouts {
    private static final Logger log = LoggerFactory.getLogger("supervisor");
    /**
     * Between the SIGQUIT and the SIGKILL of a request timeout. A JVM writes its thread dump within
     * milliseconds of the signal (at the next safepoint; a thread stuck in I/O or a sleep is at one
     * already); a second leaves room for a loaded machine and for the relay to copy it.
     */
    static final long THREAD_DUMP_GRACE_MILLIS = 1000;

    private final Pool pool;
    private final Control control;
    private final Clock clock;
    private final long threadDumpGraceMillis;
    private final StuckThreads stuckThreads;

    Timeouts(Pool pool, Control control, Clock clock, long threadDumpGraceMillis) {
        this.pool = pool;
        this.control = control;
        this.clock = clock;
        this.threadDumpGraceMillis = threadDumpGraceMillis;
        this.stuckThreads = new StuckThreads(pool, control, clock, threadDumpGraceMillis);
    }

    void watchBusyWorkers(ServerConfig config) {
        stuckThreads.killWhenDue(config);
        long nowMillis = clock.currentTimeMillis();
        for (WorkerProcess worker : pool.workers(w -> !w.killed())) {
            Slot record = pool.slot(worker.slot).record;
            for (int t = 0; t < record.threadCount() && !worker.killed(); t++) {
                watch(worker, record.thread(t), record.threadCount(), nowMillis, config);
            }
        }
    }

    /** One thread; with worker.threads = 1 the worker's only one, and then a stuck one is killed at once. */
    private void watch(WorkerProcess worker, ThreadSlot slot, int threads, long nowMillis, ServerConfig config) {
        long busySince = slot.busySinceMillis();
        if (busySince == 0 || slot.state() != WorkerState.BUSY) {
            return;
        }
        long busyFor = nowMillis - busySince;
        if (config.requestTimeoutMillis() > 0 && busyFor > config.requestTimeoutMillis() && threads > 1) {
            stuckThreads.found(worker, slot, busyFor, config);
        } else if (config.requestTimeoutMillis() > 0 && busyFor > config.requestTimeoutMillis()) {
            String reason = String.format("killed after request timeout: slot %d, client %s, busy for %d ms"
                    + " (worker.request-timeout-ms = %d)", worker.slot, Addresses.format(slot.client()), busyFor,
                    config.requestTimeoutMillis());
            log.warn("worker {} {}", worker.pid, reason);
            log.info("worker {} (slot {}): SIGQUIT for a thread dump (its lines follow, under dm[{}]); SIGKILL in {} ms",
                    worker.pid, worker.slot, worker.pid, threadDumpGraceMillis);
            control.countTimeoutKill();
            pool.dumpThreadsThenKill(worker, reason, threadDumpGraceMillis * 1_000_000L);
        } else if (config.slowRequestMillis() > 0 && busyFor > config.slowRequestMillis()
                && worker.slowReportedFor[slot.index()] != busySince) {
            worker.slowReportedFor[slot.index()] = busySince;
            control.countSlowRequest();
            log.warn("slow request: worker {} (slot {}), client {}, busy for {} ms", worker.pid, worker.slot,
                    Addresses.format(slot.client()), busyFor);
        }
    }

    /** The graceful timeout of -wdown and -restart: workers asked to leave that are still busy get killed. */
    void killLateLeavers(ServerConfig config, String during) {
        long timeoutNanos = config.shutdownTimeoutMillis() * 1_000_000L;
        long now = clock.nanoTime();
        for (WorkerProcess worker : pool.workers(w -> w.askedToLeave() && !w.killed())) {
            if (now - worker.askedToLeaveNanos() > timeoutNanos) {
                String reason = "killed: still busy after the graceful timeout (shutdown.timeout-ms = "
                        + config.shutdownTimeoutMillis() + ")";
                log.warn("{}: worker {} (slot {}) {}", during, worker.pid, worker.slot, reason);
                control.countTimeoutKill();
                pool.kill(worker, reason);
            }
        }
    }
}
