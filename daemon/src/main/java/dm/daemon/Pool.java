package dm.daemon;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import dm.config.ServerConfig;
import dm.scoreboard.Control;
import dm.scoreboard.Scoreboard;
import dm.scoreboard.ShutdownRequest;
import dm.scoreboard.WorkerState;

/**
 * The table of pool slots. It counts the pool for the policy, finds free slots, orders workers
 * idle-first, and is the one way a worker is asked to leave ({@link #askToLeave}) and the one way
 * it is killed ({@link #kill}). Touched only by the supervisor's loop.
 */
final class Pool {
    private final PoolSlot[] slots;
    private final Control control;
    private final Clock clock;

    Pool(Scoreboard scoreboard, ServerConfig config, Clock clock) {
        this.clock = clock;
        this.control = scoreboard.control();
        this.slots = new PoolSlot[scoreboard.slotCount()];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new PoolSlot(i, scoreboard.slot(i), backoff(config));
        }
        control.setPoolMin(config.poolMin());
    }

    /** A new configuration: back-off starts afresh with its settings; its pool.min is published for the metrics. */
    void reconfigure(ServerConfig config) {
        for (PoolSlot slot : slots) {
            slot.backoff = backoff(config);
        }
        control.setPoolMin(config.poolMin());
    }

    private static RestartBackoff backoff(ServerConfig config) {
        return new RestartBackoff(config.minUptimeMillis(), config.maxBackoffMillis());
    }

    PoolSlot slot(int index) {
        return slots[index];
    }

    List<PoolSlot> slots() {
        return List.of(slots);
    }

    /** The workers that run now, in slot order. */
    List<WorkerProcess> workers() {
        return workers(worker -> true);
    }

    List<WorkerProcess> workers(Predicate<WorkerProcess> filter) {
        List<WorkerProcess> found = new ArrayList<>();
        for (PoolSlot slot : slots) {
            if (slot.worker != null && filter.test(slot.worker)) {
                found.add(slot.worker);
            }
        }
        return found;
    }

    /** Idle and starting workers first, busy ones last: the order in which to disturb them. */
    List<WorkerProcess> idleFirst() {
        List<WorkerProcess> ordered = workers(worker -> state(worker) != WorkerState.BUSY);
        ordered.addAll(workers(worker -> state(worker) == WorkerState.BUSY));
        return ordered;
    }

    WorkerState state(WorkerProcess worker) {
        return slots[worker.slot].record.state();
    }

    int live() {
        return workers().size();
    }

    /** Whether a worker of {@code generation} has got as far as accepting (under load it is busy, not idle). */
    boolean anyAccepted(Generation generation) {
        return !workers(worker -> worker.generation == generation && state(worker) != WorkerState.STARTING).isEmpty();
    }

    /** The first slot with no worker and none due, or -1. */
    int freeSlot() {
        for (PoolSlot slot : slots) {
            if (slot.free()) {
                return slot.index;
            }
        }
        return -1;
    }

    Census census() {
        int live = 0;
        int idle = 0;
        int starting = 0;
        int busy = 0;
        int leaving = 0;
        for (PoolSlot slot : slots) {
            WorkerProcess worker = slot.worker;
            int threads = slot.record.threadCount();
            if (worker == null) {
                if (slot.replacementDue()) {
                    live++;
                    starting += threads;
                }
                continue;
            }
            live++;
            WorkerState lifecycle = slot.record.lifecycle();
            int busyThreads = slot.record.busyThreads();
            if (worker.askedToLeave() || lifecycle == WorkerState.EXITING) {
                leaving++;
            }
            busy += busyThreads;
            if (worker.askedToLeave()) {
                if (worker.leaveRequest() == ShutdownRequest.RESTART) {
                    starting += threads - busyThreads; // its replacement is on the way, in the same slot
                }
            } else if (lifecycle == WorkerState.STARTING) {
                starting += threads;
            } else if (lifecycle == WorkerState.IDLE) {
                idle += slot.record.idleThreads();
            }
        }
        return new Census(live, leaving, idle, starting, busy);
    }

    /**
     * Asks a worker to finish its connection and leave: RESTART to be replaced in its own slot,
     * SHUTDOWN to go for good. Every path that lets a worker go uses this (retiring, recycling,
     * restarting, shutting down), so its exit is never mistaken for a crash.
     */
    void askToLeave(WorkerProcess worker, ShutdownRequest request) {
        worker.markAskedToLeave(request, clock.nanoTime());
        slots[worker.slot].record.request(request);
        worker.handle.nudge();
    }

    /** SIGKILL, with the reason the log gives for its exit. */
    void kill(WorkerProcess worker, String reason) {
        worker.markKilled(reason);
        worker.killSent();
        worker.handle.kill();
    }

    /**
     * SIGQUIT now, so that the JVM writes a thread dump to its output (the relay puts it in the log
     * under the worker's pid), and SIGKILL once {@code graceNanos} have passed ({@link #killWhenDue}).
     * It counts as killed from now on: nothing else is asked of it, and its exit, whenever it comes,
     * is logged with {@code reason} and replaced at once.
     */
    void dumpThreadsThenKill(WorkerProcess worker, String reason, long graceNanos) {
        worker.markKilled(reason);
        worker.scheduleKill(clock.nanoTime() + graceNanos);
        worker.handle.quit();
    }

    /** Sends the SIGKILLs that {@link #dumpThreadsThenKill} scheduled and whose grace is over. */
    void killWhenDue() {
        long now = clock.nanoTime();
        for (WorkerProcess worker : workers(w -> w.killDueBy(now))) {
            kill(worker, worker.killReason());
        }
    }

    /**
     * Kills every live worker and waits up to {@code waitNanos} for them all; returns those that
     * have exited, still to be reaped. No slot gets a new worker after this.
     */
    List<WorkerProcess> killAll(String reason, long waitNanos) {
        cancelReplacements();
        List<WorkerProcess> live = workers(worker -> worker.handle.isAlive());
        for (WorkerProcess worker : live) {
            askToLeave(worker, ShutdownRequest.SHUTDOWN);
            kill(worker, reason);
        }
        long deadline = clock.nanoTime() + waitNanos;
        for (WorkerProcess worker : live) {
            try {
                worker.handle.awaitExit(Math.max(1, deadline - clock.nanoTime()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return workers(worker -> !worker.handle.isAlive());
    }

    /** The worker has exited: the slot is empty, its shared record cleared. */
    void forget(WorkerProcess worker) {
        PoolSlot slot = slots[worker.slot];
        if (slot.worker == worker) {
            slot.worker = null;
            slot.record.clear();
        }
    }

    boolean holds(WorkerProcess worker) {
        return slots[worker.slot].worker == worker;
    }

    /** The loop's spawning step starts a worker in {@code slot} on this turn (when it has a turn to boot). */
    void replaceNow(int slot) {
        slots[slot].replaceAt(clock.nanoTime(), false);
    }

    /**
     * The worker in {@code slot} served and died unasked (a crash, the OOM killer, a kill by dm): the
     * spawning step starts its replacement once {@code millis} (the crash back-off) have passed, without
     * waiting for a turn to boot. It restores what the pool had, where growth and restarts add to it:
     * waiting behind them, it waited seconds for other JVMs to boot (pool.max-booting).
     */
    void replaceLost(int slot, long millis) {
        slots[slot].replaceAt(clock.nanoTime() + millis * 1_000_000, true);
    }

    /** The spawning step starts a worker in {@code slot} once {@code millis} have passed and it has a turn to boot. */
    void replaceAfter(int slot, long millis) {
        slots[slot].replaceAt(clock.nanoTime() + millis * 1_000_000, false);
    }

    /** No slot gets a new worker any more (going down). */
    void cancelReplacements() {
        for (PoolSlot slot : slots) {
            slot.cancelReplacement();
        }
    }
}
