package dm.daemon;

import java.io.IOException;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dm.scoreboard.WorkerState;

/**
 * The loop's one spawning step: starts a worker in every slot whose replacement is due, whoever
 * asked for it (the reaper, the pool policy, recycling), but never more booting JVMs at once than
 * pool.max-booting (the machine's cores by default). A JVM's boot is CPU work: eight started
 * together on two cores share them until all are nearly done, so the first accepts only when
 * the last does; two at a time, the first two accept after one boot's time and the last no later
 * than before. By default, while no worker accepts (the daemon's start), one boots alone: two
 * sharing the cores with the supervisor and the JIT took about 1.5 times as long to the first
 * accepting (BootOrderBenchmarkIT), and the service is down until then. Due slots that wait are
 * started, lowest first, as soon as a booting worker accepts or dies. The replacement of a worker
 * that served and died unasked never waits: it restores capacity the pool had (Pool.replaceLost).
 */
final class Spawner {
    private static final Logger log = LoggerFactory.getLogger("supervisor");
    /** How often the loop looks whether a booting worker accepts, while others wait for their turn. */
    static final long WAITING_POLL_NANOS = 20_000_000L;

    private final Pool pool;
    private final Launcher launcher;
    private final Clock clock;
    private final Consumer<SupervisorEvent> events;
    /** The last step left due workers waiting for their turn to boot. */
    private boolean waiting;

    Spawner(Pool pool, Launcher launcher, Clock clock, Consumer<SupervisorEvent> events) {
        this.pool = pool;
        this.launcher = launcher;
        this.clock = clock;
        this.events = events;
    }

    /** Starts every worker that is due, as far as pool.max-booting allows; a worker JVM that cannot even be started throws. */
    void spawnMissingWorkers(Generation generation) throws IOException {
        long now = clock.nanoTime();
        waiting = false;
        if (!anyDueBy(now)) {
            return; // the idle loop's every turn: no count of booting workers, no look at the machine's cores
        }
        int booting = booting();
        int maxBooting = generation.config().maxBooting(anyAccepts());
        for (PoolSlot slot : pool.slots()) {
            if (slot.replacementDueBy(now)) {
                if (booting >= maxBooting && !slot.replacesLostWorker()) {
                    waiting = true;
                    continue;
                }
                spawn(slot, generation);
                booting++;
            }
        }
    }

    private boolean anyDueBy(long now) {
        for (PoolSlot slot : pool.slots()) {
            if (slot.replacementDueBy(now)) {
                return true;
            }
        }
        return false;
    }

    /** Whether some worker of the pool accepts (not at the daemon's start, nor once every worker was lost). */
    private boolean anyAccepts() {
        for (PoolSlot slot : pool.slots()) {
            if (slot.worker != null) {
                WorkerState state = pool.state(slot.worker);
                if (state == WorkerState.IDLE || state == WorkerState.BUSY) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Workers started that have not accepted yet (nor exited). */
    private int booting() {
        int booting = 0;
        for (PoolSlot slot : pool.slots()) {
            if (slot.worker != null && pool.state(slot.worker) == WorkerState.STARTING) {
                booting++;
            }
        }
        return booting;
    }

    /**
     * The earliest time (Clock.nanoTime) a replacement is due, or {@code orElse}. While due workers
     * wait for their turn to boot, soon: the loop learns that a booting one accepts only by looking.
     */
    long nextDueNanos(long orElse) {
        long now = clock.nanoTime();
        long earliest = orElse;
        for (PoolSlot slot : pool.slots()) {
            if (slot.replacementDue() && slot.empty() && slot.replaceAtNanos() - earliest < 0
                    && !(waiting && slot.replaceAtNanos() - now <= 0)) {
                earliest = slot.replaceAtNanos();
            }
        }
        if (waiting && now + WAITING_POLL_NANOS - earliest < 0) {
            earliest = now + WAITING_POLL_NANOS;
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
        worker.fromArchive = command.fromArchive();
        slot.worker = worker;
        handle.onExit(exitValue -> events.accept(new SupervisorEvent.WorkerExited(worker, exitValue)));
        log.info("worker {} (slot {}) started", worker.pid, slot.index);
    }
}
