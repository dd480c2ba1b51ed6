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
 * each worker.pss-interval-ms. A few seconds apart is enough: a leak grows over many connections,
 * and one read costs the kernel a walk of the worker's page tables: 25 ms for a JVM of 140 MB on
 * a loaded machine, which is why the reads run off the loop ({@link PssSource}).
 */
final class PssSampler {
    private static final Logger log = LoggerFactory.getLogger("supervisor");

    private final Pool pool;
    private final PssSource source;
    private final Clock clock;
    private final Consumer<SupervisorEvent> events;
    private long nextSampleNanos;
    /** A read is on its way back: no second one meanwhile, however slow the machine. */
    private boolean reading;
    private boolean unreadableReported;

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
            nextSampleNanos = now + config.pssIntervalMillis() * 1_000_000L;
        }
        List<Long> pids = new ArrayList<>();
        for (WorkerProcess worker : pool.workers(w -> !w.killed())) {
            if (pool.state(worker) == WorkerState.STARTING) {
                continue; // a JVM's PSS while it boots says nothing about the worker it becomes
            }
            if (due || !worker.pssReadOnce) {
                worker.pssReadOnce = true;
                pids.add(worker.pid);
            }
        }
        if (!pids.isEmpty()) {
            reading = true;
            source.read(pids, kibByPid -> events.accept(new SupervisorEvent.PssRead(pids, kibByPid)));
        }
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
