package dm.daemon;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dm.scoreboard.ShutdownRequest;
import dm.scoreboard.WorkerState;

/**
 * One rolling restart, from the new generation to the last old worker gone: ask about half of the
 * old workers to leave, and only when their replacements accept ask the next batch, so that
 * someone is always accepting. If a worker of the new generation cannot boot, the restart is
 * abandoned and the previous generation comes back.
 */
final class RollingRestart {
    private static final Logger log = LoggerFactory.getLogger("supervisor");

    private final Pool pool;
    private final Generation previous;
    private final Generation next;
    /** The dm-ctl command that asked for it (0: a signal). */
    private final long command;

    RollingRestart(Pool pool, Generation previous, Generation next, long command) {
        this.pool = pool;
        this.previous = previous;
        this.next = next;
        this.command = command;
        log.info("restart: replacing {} workers, about half at a time", pool.live());
    }

    Generation next() {
        return next;
    }

    Generation previous() {
        return previous;
    }

    long command() {
        return command;
    }

    /** Asks the next batch to leave when the last one is replaced; true once no old worker is left. */
    boolean advance() {
        int old = 0;
        int leaving = 0;
        int booting = 0;
        for (WorkerProcess worker : pool.workers()) {
            if (worker.generation != next) {
                old++;
                if (worker.askedToLeave()) {
                    leaving++;
                }
            } else if (pool.state(worker) == WorkerState.STARTING) {
                booting++;
            }
        }
        if (old == 0 && booting == 0) {
            previous.discard();
            log.info("restart: every worker replaced");
            return true;
        }
        if (leaving > 0 || booting > 0 || old == 0) {
            return false;
        }
        int batch = Math.max(1, (old + 1) / 2);
        for (WorkerProcess worker : pool.idleFirst()) {
            if (batch == 0) {
                break;
            }
            if (worker.generation != next && !worker.askedToLeave()) {
                pool.askToLeave(worker, ShutdownRequest.RESTART);
                batch--;
            }
        }
        return false;
    }

    /**
     * A worker of the new configuration cannot boot (a handler jar swapped for a broken one, say):
     * rather than take the service down, kill the new generation's workers; their slots get
     * workers of the previous one, which the remaining workers still run.
     */
    Generation abandon(WorkerProcess failed) {
        log.error("restart abandoned: worker {} (slot {}) of the new configuration could not boot (see its error"
                + " above); going back to the previous configuration", failed.pid, failed.slot);
        for (WorkerProcess worker : pool.workers(w -> w.generation == next)) {
            pool.askToLeave(worker, ShutdownRequest.RESTART);
            pool.kill(worker, "killed: started with the abandoned configuration");
        }
        next.discard();
        return previous;
    }
}
