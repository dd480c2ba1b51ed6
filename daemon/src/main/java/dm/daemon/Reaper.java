package dm.daemon;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dm.ExitCodes;
import dm.scoreboard.Control;
import dm.scoreboard.ShutdownRequest;
import dm.scoreboard.WorkerExitCause;
import dm.scoreboard.WorkerState;

/**
 * Reaping only records a verdict: it logs why a worker exited, forgets it, and says what becomes
 * of its slot. Starting the replacement is left to the loop's one spawning step.
 */
final class Reaper {
    private static final Logger log = LoggerFactory.getLogger("supervisor");
    /**
     * Workers of one configuration that the JVM refuses to start this many times in a row, with no
     * worker of it accepting in between, mean the pool cannot boot (an unknown option in
     * worker.jvm-options, a heap too small to start).
     */
    static final int MAX_BOOT_DEATHS_IN_A_ROW = 3;
    /**
     * What the java launcher exits with when the JVM cannot be created. A worker killed while it
     * boots (the OOM killer, an operator) is no sign of a broken configuration: it gets the crash
     * back-off and never stops the daemon.
     */
    static final int JVM_REFUSED_TO_START = 1;

    private final Pool pool;
    private final Control control;
    private final Clock clock;
    private int bootDeathsInARow;

    Reaper(Pool pool, Control control, Clock clock) {
        this.pool = pool;
        this.control = control;
        this.clock = clock;
    }

    /** What the pool is doing, as far as the fate of an exited worker depends on it. */
    enum Mode { SERVING, RESTARTING, GOING_DOWN }

    /**
     * {@code current}: the generation new workers start with; during a restart a boot failure of
     * one of its workers abandons the restart rather than stopping the daemon.
     */
    Verdict reap(WorkerProcess worker, int exitValue, Mode mode, Generation current) {
        if (!pool.holds(worker)) {
            return Verdict.LEAVE_EMPTY; // reaped already
        }
        PoolSlot slot = pool.slot(worker.slot);
        boolean neverAccepted = slot.record.state() == WorkerState.STARTING;
        log.info("worker {} (slot {}) {}", worker.pid, worker.slot, ExitStatus.describe(exitValue, worker.killReason()));
        control.countExit(WorkerExitCause.of(exitValue, worker.killed(), neverAccepted));
        pool.forget(worker);
        if (worker.trainer) {
            worker.generation.trainerExited(exitValue == ExitCodes.WORKER_LEFT && !worker.killed());
        }
        if (!neverAccepted) {
            bootDeathsInARow = 0;
        }
        Verdict verdict = verdict(worker, exitValue, neverAccepted, mode, current);
        // A worker that served and died unasked (a crash, a signal, a kill for a timeout) is capacity lost:
        // its replacement does not wait for a turn to boot. Recycled and retired workers were planned for.
        boolean lost = !neverAccepted && !worker.askedToLeave() && exitValue != ExitCodes.WORKER_RECYCLED;
        if (verdict instanceof Verdict.ReplaceNow) {
            replace(worker.slot, lost, 0);
        } else if (verdict instanceof Verdict.ReplaceAfter after) {
            log.warn("slot {}: worker died {} ms after it started; next one in {} ms", worker.slot,
                    worker.uptimeMillis(clock.nanoTime()), after.millis());
            replace(worker.slot, lost, after.millis());
        }
        return verdict;
    }

    private void replace(int slot, boolean lost, long afterMillis) {
        if (lost) {
            pool.replaceLost(slot, afterMillis);
        } else {
            pool.replaceAfter(slot, afterMillis);
        }
    }

    /** A worker of the current configuration has accepted: the configuration boots. */
    void workerAccepted() {
        bootDeathsInARow = 0;
    }

    private Verdict verdict(WorkerProcess worker, int exitValue, boolean neverAccepted, Mode mode, Generation current) {
        if (mode == Mode.GOING_DOWN) {
            return Verdict.LEAVE_EMPTY;
        }
        if (worker.askedToLeave()) {
            return worker.leaveRequest() == ShutdownRequest.RESTART ? Verdict.REPLACE_NOW : Verdict.LEAVE_EMPTY;
        }
        if (neverAccepted && exitValue == JVM_REFUSED_TO_START && worker.fromArchive) {
            // The JVM refused the class archive it was to map, not the configuration: try again without it.
            worker.generation.classArchiveRefused(worker);
            return Verdict.REPLACE_NOW;
        }
        if (exitValue == ExitCodes.WORKER_BOOT_FAILED) {
            if (mode == Mode.RESTARTING && worker.generation == current) {
                return Verdict.ABANDON_RESTART;
            }
            return new Verdict.StopDaemon("worker " + worker.pid + " (slot " + worker.slot
                    + ") could not boot (see its error above)");
        }
        if (exitValue == ExitCodes.WORKER_RECYCLED) {
            return worker.replacementSlot < 0 ? Verdict.REPLACE_NOW : Verdict.LEAVE_EMPTY;
        }
        if (worker.killed()) {
            return Verdict.REPLACE_NOW; // request timeout: replace at once
        }
        if (neverAccepted && exitValue == JVM_REFUSED_TO_START && ++bootDeathsInARow >= MAX_BOOT_DEATHS_IN_A_ROW) {
            return new Verdict.StopDaemon(bootDeathsInARow + " workers in a row died before accepting (last: "
                    + ExitStatus.describe(exitValue, null) + "); check worker.jvm-options and the output above");
        }
        long waitMillis = pool.slot(worker.slot).backoff.afterDeath(worker.uptimeMillis(clock.nanoTime()));
        return waitMillis == 0 ? Verdict.REPLACE_NOW : new Verdict.ReplaceAfter(waitMillis);
    }
}
