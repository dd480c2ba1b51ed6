package dm.daemon;

import java.io.IOException;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop's one spawning step: starts a worker in every slot whose replacement is due, whoever
 * asked for it (the reaper, the pool policy, recycling).
 */
final class Spawner {
    private static final Logger log = LoggerFactory.getLogger("supervisor");

    private final Pool pool;
    private final Launcher launcher;
    private final Clock clock;
    private final Consumer<SupervisorEvent> events;

    Spawner(Pool pool, Launcher launcher, Clock clock, Consumer<SupervisorEvent> events) {
        this.pool = pool;
        this.launcher = launcher;
        this.clock = clock;
        this.events = events;
    }

    /** Starts every worker that is due; a worker JVM that cannot even be started throws. */
    void spawnMissingWorkers(Generation generation) throws IOException {
        long now = clock.nanoTime();
        for (PoolSlot slot : pool.slots()) {
            if (slot.replacementDueBy(now)) {
                spawn(slot, generation);
            }
        }
    }

    /** The earliest time (Clock.nanoTime) a replacement is due, or {@code orElse}. */
    long nextDueNanos(long orElse) {
        long earliest = orElse;
        for (PoolSlot slot : pool.slots()) {
            if (slot.replacementDue() && slot.empty() && slot.replaceAtNanos() - earliest < 0) {
                earliest = slot.replaceAtNanos();
            }
        }
        return earliest;
    }

    private void spawn(PoolSlot slot, Generation generation) throws IOException {
        slot.cancelReplacement();
        slot.record.prepare(clock.currentTimeMillis(), generation.maxCallsForNewWorker());
        WorkerCommand command = generation.commandFor(slot.index);
        WorkerHandle handle;
        try {
            handle = launcher.start(slot.index, command);
        } catch (IOException e) {
            slot.record.clear();
            if (command.trainer()) {
                generation.trainerExited(false);
            }
            throw e;
        }
        slot.record.setPid(handle.pid());
        WorkerProcess worker = new WorkerProcess(slot.index, handle, generation, command.trainer(), clock.nanoTime());
        slot.worker = worker;
        handle.onExit(exitValue -> events.accept(new SupervisorEvent.WorkerExited(worker, exitValue)));
        log.info("worker {} (slot {}) started", worker.pid, slot.index);
    }
}
