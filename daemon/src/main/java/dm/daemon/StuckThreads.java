package dm.daemon;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dm.config.ServerConfig;
import dm.net.Addresses;
import dm.scoreboard.Control;
import dm.scoreboard.ShutdownRequest;
import dm.scoreboard.Slot;
import dm.scoreboard.ThreadSlot;
import dm.scoreboard.WorkerState;

/**
 * worker.request-timeout-ms in a worker with several threads. One thread stuck on a connection
 * must not cost the connections its other threads serve, nor leave a wedged JVM running: the worker
 * is asked to leave (it accepts nothing more), its replacement starts at once (in a free slot, else
 * in its own slot once it is gone), its other connections get shutdown.timeout-ms to finish, and
 * then, or as soon as only stuck connections are left, it is killed. With one thread per worker
 * there is nothing else to wait for and {@link Timeouts} kills it at once, as always.
 */
final class StuckThreads {
    private static final Logger log = LoggerFactory.getLogger("supervisor");

    /** The first thread found stuck in a worker: which, on which connection, and when we acted. */
    record Stuck(int thread, long busySinceMillis, String client, long sinceNanos) {
    }

    private final Pool pool;
    private final Control control;
    private final Clock clock;
    private final long threadDumpGraceMillis;

    StuckThreads(Pool pool, Control control, Clock clock, long threadDumpGraceMillis) {
        this.pool = pool;
        this.control = control;
        this.clock = clock;
        this.threadDumpGraceMillis = threadDumpGraceMillis;
    }

    /** {@code thread} of {@code worker} has been busy for {@code busyFor} ms, past worker.request-timeout-ms. */
    void found(WorkerProcess worker, ThreadSlot thread, long busyFor, ServerConfig config) {
        if (worker.stuck != null) {
            return;
        }
        Slot record = pool.slot(worker.slot).record;
        worker.stuck = new Stuck(thread.index(), thread.busySinceMillis(), Addresses.format(thread.client()),
                clock.nanoTime());
        String replacement;
        if (worker.askedToLeave()) {
            replacement = "it was already leaving";
        } else if (pool.freeSlot() >= 0) {
            int free = pool.freeSlot();
            pool.replaceNow(free);
            pool.askToLeave(worker, ShutdownRequest.SHUTDOWN);
            replacement = "its replacement starts in slot " + free;
        } else {
            pool.askToLeave(worker, ShutdownRequest.RESTART);
            replacement = "it is replaced in its slot once it is gone (no free slot)";
        }
        log.warn("worker {} (slot {}): thread {} stuck on client {} for {} ms (worker.request-timeout-ms = {}):"
                + " it accepts nothing more, {}; its {} other connection(s) get up to shutdown.timeout-ms = {} to"
                + " finish, then it is killed", worker.pid, worker.slot, thread.index(), worker.stuck.client(), busyFor,
                config.requestTimeoutMillis(), replacement, record.busyThreads() - 1, config.shutdownTimeoutMillis());
    }

    /** Kills each stuck worker once its other connections are done or shutdown.timeout-ms is over. */
    void killWhenDue(ServerConfig config) {
        long graceNanos = config.shutdownTimeoutMillis() * 1_000_000L;
        long nowMillis = clock.currentTimeMillis();
        for (WorkerProcess worker : pool.workers(w -> w.stuck != null && !w.killed())) {
            Stuck stuck = worker.stuck;
            Slot record = pool.slot(worker.slot).record;
            ThreadSlot thread = record.thread(stuck.thread());
            boolean stillStuck = thread.state() == WorkerState.BUSY
                    && thread.busySinceMillis() == stuck.busySinceMillis();
            int others = record.busyThreads() - (stillStuck ? 1 : 0);
            boolean graceOver = clock.nanoTime() - stuck.sinceNanos() > graceNanos;
            if ((stillStuck && others == 0) || graceOver) {
                String reason = String.format("killed after request timeout: slot %d thread %d, client %s, busy for %d ms"
                        + " (worker.request-timeout-ms = %d)%s", worker.slot, stuck.thread(), stuck.client(),
                        nowMillis - stuck.busySinceMillis(), config.requestTimeoutMillis(),
                        others == 0 ? "" : "; " + others + " other connection(s) still busy after shutdown.timeout-ms");
                log.warn("worker {} {}", worker.pid, reason);
                log.info("worker {} (slot {}): SIGQUIT for a thread dump (its lines follow, under dm[{}]); SIGKILL in {}"
                        + " ms", worker.pid, worker.slot, worker.pid, threadDumpGraceMillis);
                control.countTimeoutKill();
                pool.dumpThreadsThenKill(worker, reason, threadDumpGraceMillis * 1_000_000L);
            }
        }
    }
}
