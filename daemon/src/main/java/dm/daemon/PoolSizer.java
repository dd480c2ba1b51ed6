package dm.daemon;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dm.config.ServerConfig;
import dm.scoreboard.Control;
import dm.scoreboard.ShutdownRequest;
import dm.scoreboard.WorkerState;

/**
 * Grows and shrinks the pool once per tick by the generation's {@link PoolPolicy}: marks free
 * slots for the spawning step, or asks one idle worker to retire.
 */
final class PoolSizer {
    private static final Logger log = LoggerFactory.getLogger("supervisor");

    private final Pool pool;
    private final Control control;
    private boolean atMax;

    PoolSizer(Pool pool, Control control) {
        this.pool = pool;
        this.control = control;
    }

    void manage(Generation generation) {
        ServerConfig config = generation.config();
        Census census = pool.census();
        control.recordBusy(census.busy());
        PoolPolicy.Decision decision = generation.policy().decide(census.live(), census.leaving(), census.idle(),
                census.starting());
        if (decision.spawn() > 0 && pool.freeSlot() >= 0) {
            if (config.workerThreads() == 1) {
                log.info("{} idle + {} starting < pool.min-spare {} ({} of {} busy): starting {}", census.idle(),
                        census.starting(), config.minSpare(), census.busy(), census.live(), decision.spawn());
            } else {
                log.info("{} idle + {} starting threads < pool.min-spare {} ({} of {} threads busy): starting {}"
                        + " workers", census.idle(), census.starting(), config.minSpare(), census.busy(),
                        census.live() * config.workerThreads(), decision.spawn());
            }
            for (int started = 0; started < decision.spawn() && pool.freeSlot() >= 0; started++) {
                pool.replaceNow(pool.freeSlot());
            }
        } else if (decision.retireOne()) {
            retireOneIdleWorker(census.idle(), config);
        }
        if (decision.wantedMoreThanMax() && !atMax) {
            control.countMaxReached();
            log.warn("pool.max {} reached: all workers busy, connections wait in the accept queue", config.poolMax());
        }
        atMax = decision.wantedMoreThanMax();
    }

    /** The idle worker in the highest slot, so that the pool shrinks from the top. */
    private void retireOneIdleWorker(int idle, ServerConfig config) {
        for (int i = pool.slots().size() - 1; i >= 0; i--) {
            WorkerProcess worker = pool.slot(i).worker;
            if (worker != null && !worker.askedToLeave() && pool.state(worker) == WorkerState.IDLE) {
                log.info("{} idle{} > pool.max-spare {}: retiring worker {} (slot {})", idle,
                        config.workerThreads() == 1 ? "" : " threads", config.maxSpare(), worker.pid, i);
                pool.askToLeave(worker, ShutdownRequest.SHUTDOWN);
                return;
            }
        }
    }
}
