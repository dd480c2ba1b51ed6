package dm.scoreboard;

import java.util.Locale;

import dm.ExitCodes;

/** Why a worker exited, as the supervisor counts it (the {@code cause} label of dm_worker_exits_total). */
public enum WorkerExitCause {
    /** Asked to leave, and left: a rolling restart, the pool shrinking, a stop, the class archive written. */
    LEFT,
    /** Served worker.max-requests connections and left for a fresh one. */
    RECYCLED,
    /** Killed by dm: a request timeout, the graceful timeout, -fdown, a stop. */
    KILLED,
    /** Killed by a signal dm did not send: the out-of-memory killer, an operator's kill. */
    SIGNAL,
    /** Could not boot: the handler or its settings (exit 70), or the JVM refused its options. */
    BOOT_FAILED,
    /** Any other exit: a crash, the JVM out of memory with -XX:+ExitOnOutOfMemoryError. */
    ERROR;

    /** What the supervisor knows when it reaps: the exit value, whether it killed the worker, whether it ever accepted. */
    public static WorkerExitCause of(int exitValue, boolean killedByDm, boolean neverAccepted) {
        if (killedByDm) {
            return KILLED;
        }
        if (exitValue == ExitCodes.WORKER_LEFT) {
            return LEFT;
        }
        if (exitValue == ExitCodes.WORKER_RECYCLED) {
            return RECYCLED;
        }
        if (exitValue == ExitCodes.WORKER_BOOT_FAILED || (neverAccepted && exitValue == ExitCodes.FAILURE)) {
            return BOOT_FAILED;
        }
        if (exitValue > 128 && exitValue < 160) {
            return SIGNAL;
        }
        return ERROR;
    }

    /** The label value: left, recycled, killed, signal, boot_failed, error. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
