package dm.daemon;

/** The supervisor's own record of one worker JVM it started. Touched only by the main loop. */
final class WorkerProcess {
    final int slot;
    final Process process;
    final long pid;
    /** Restart generation it was started in: workers older than the current one get replaced. */
    final long generation;
    final long startedNanos;
    /** Set once we ask it to leave, so that its exit is not treated as a crash. */
    boolean exitRequested;
    /** When we asked it to leave (System.nanoTime), for the graceful timeout. */
    long exitRequestedNanos;
    /** Why we killed it, for the log; null unless we sent SIGKILL. */
    String killReason;
    /** Slot of the replacement started because it reached worker.max-requests; -1: none yet. */
    int replacementSlot = -1;
    /** busySince of the connection already reported as slow, so each is reported once. */
    long slowReportedFor;

    /** Started with -XX:ArchiveClassesAtExit: restarted once it accepts, to write the class archive. */
    final boolean trainer;

    WorkerProcess(int slot, Process process, long generation, boolean trainer) {
        this.trainer = trainer;
        this.slot = slot;
        this.process = process;
        this.pid = process.pid();
        this.generation = generation;
        this.startedNanos = System.nanoTime();
    }

    void requestExit() {
        if (!exitRequested) {
            exitRequested = true;
            exitRequestedNanos = System.nanoTime();
        }
    }

    void kill(String reason) {
        if (killReason == null) {
            killReason = reason;
        }
        process.destroyForcibly();
    }

    long uptimeMillis() {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
