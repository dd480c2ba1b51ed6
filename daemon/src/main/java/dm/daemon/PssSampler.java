package dm.daemon;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dm.config.ServerConfig;
import dm.scoreboard.WorkerState;

/**
 * Reads every worker's PSS into its scoreboard record, where dm-ctl shows it and the
 * {@link Recycler} compares it with worker.max-pss-mib: once as soon as the worker accepts, then
 * each worker.pss-interval-ms while it serves (see {@link #changedSinceRead}). A few seconds apart
 * is enough: a leak grows over many connections, and one read costs the kernel a walk of the
 * worker's page tables: 25 ms for a JVM of 140 MB on a loaded machine, which is why the reads run
 * off the loop ({@link PssSource}).
 */
final class PssSampler {
    private static final Logger log = LoggerFactory.getLogger("supervisor");
    /** An idle worker that served nothing since its last read is read again after this many worker.pss-interval-ms. */
    static final int IDLE_REREAD_INTERVALS = 12;

    private final Pool pool;
    private final PssSource source;
    private final Clock clock;
    private final Consumer<SupervisorEvent> events;
    private long nextSampleNanos;
    /** A read is on its way back: no second one meanwhile, however slow the machine. */
    private boolean reading;
    private boolean unreadableReported;
    private long intervalNanos;

    PssSampler(Pool pool, PssSource source, Clock clock, Consumer<SupervisorEvent> events) {
        this.pool = pool;
        this.source = source;
        this.clock = clock;
        this.events = events;
        this.nextSampleNanos = clock.nanoTime();
    }

    /** Asks for the PSS of the workers due: every one each worker.pss-interval-ms, a worker that has just accepted at once. */
    void sample(ServerConfig config) {
        if (reading) {
            return;
        }
        long now = clock.nanoTime();
        boolean due = now - nextSampleNanos >= 0;
        if (due) {
            intervalNanos = config.pssIntervalMillis() * 1_000_000L;
            nextSampleNanos = now + intervalNanos;
        }
        List<Long> pids = new ArrayList<>();
        for (WorkerProcess worker : pool.workers(w -> !w.killed())) {
            if (pool.state(worker) == WorkerState.STARTING) {
                continue; // a JVM's PSS while it boots says nothing about the worker it becomes
            }
            if (!worker.pssReadOnce || (due && changedSinceRead(worker, now))) {
                worker.pssReadOnce = true;
                worker.pssReadAtNanos = now;
                worker.pssReadAtCalls = pool.slot(worker.slot).record.calls();
                worker.pssReadWhileIdle = pool.state(worker) == WorkerState.IDLE;
                pids.add(worker.pid);
            }
        }
        if (!pids.isEmpty()) {
            reading = true;
            source.read(pids, kibByPid -> events.accept(new SupervisorEvent.PssRead(pids, kibByPid)));
        }
    }

    /**
     * Whether the worker may have grown since its last read: it was serving then or is now, or has
     * taken a connection since. An idle one that took none is read again only every
     * {@value #IDLE_REREAD_INTERVALS} intervals, for the shared pages that other workers leave it
     * as they come and go: a read costs a walk of its page tables, the idle supervisor's largest cost.
     */
    private boolean changedSinceRead(WorkerProcess worker, long now) {
        return !worker.pssReadWhileIdle || pool.state(worker) != WorkerState.IDLE
                || pool.slot(worker.slot).record.calls() != worker.pssReadAtCalls
                || now - worker.pssReadAtNanos >= IDLE_REREAD_INTERVALS * intervalNanos;
    }

    /** The figures are back: into the records of the workers that still run in their slots. */
    void record(SupervisorEvent.PssRead read, ServerConfig config) {
        reading = false;
        for (WorkerProcess worker : pool.workers(w -> !w.killed() && read.asked().contains(w.pid))) {
            Long kib = read.kibByPid().get(worker.pid);
            if (kib != null) {
                pool.slot(worker.slot).record.recordPss(kib);
            } else if (config.maxPssMib() > 0 && worker.handle.isAlive() && !unreadableReported) {
                // Said once: the limit silently not applying would be worse, a line per read would flood the log.
                unreadableReported = true;
                log.warn("cannot read the PSS of worker {} (slot {}) from /proc/{}/smaps_rollup: worker.max-pss-mib"
                        + " does not apply to workers whose PSS cannot be read", worker.pid, worker.slot, worker.pid);
            }
        }
    }
}
