package dm.daemon;

import java.util.OptionalLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dm.config.ServerConfig;

/**
 * Reads every worker's PSS each worker.pss-interval-ms into its scoreboard record, where dm-ctl
 * shows it and the {@link Recycler} compares it with worker.max-pss-mib. A few seconds apart is
 * enough: a leak grows over many connections, and one read costs the kernel a walk of the
 * worker's mappings (well under a millisecond for a small JVM), done on the loop.
 */
final class PssSampler {
    private static final Logger log = LoggerFactory.getLogger("supervisor");

    private final Pool pool;
    private final PssSource source;
    private final Clock clock;
    private long nextSampleNanos;
    private boolean unreadableReported;

    PssSampler(Pool pool, PssSource source, Clock clock) {
        this.pool = pool;
        this.source = source;
        this.clock = clock;
        this.nextSampleNanos = clock.nanoTime();
    }

    void sample(ServerConfig config) {
        long now = clock.nanoTime();
        if (now - nextSampleNanos < 0) {
            return;
        }
        nextSampleNanos = now + config.pssIntervalMillis() * 1_000_000L;
        for (WorkerProcess worker : pool.workers(w -> !w.killed())) {
            OptionalLong kib = source.pssKib(worker.pid);
            if (kib.isPresent()) {
                pool.slot(worker.slot).record.recordPss(kib.getAsLong());
            } else if (config.maxPssMib() > 0 && worker.handle.isAlive() && !unreadableReported) {
                // Said once: the limit silently not applying would be worse, a line per read would flood the log.
                unreadableReported = true;
                log.warn("cannot read the PSS of worker {} (slot {}) from /proc/{}/smaps_rollup: worker.max-pss-mib"
                        + " does not apply to workers whose PSS cannot be read", worker.pid, worker.slot, worker.pid);
            }
        }
    }
}
