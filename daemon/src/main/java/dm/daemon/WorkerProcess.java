package dm.daemon;

/** The supervisor's own record of one worker JVM it started. Touched only by the main loop. */
final class WorkerProcess {
    final int slot;
    final Process process;
    final long pid;
    /** Restart generation it was started in: workers older than the current one get replaced. */
    final long generation;
    final long startedNanos;
    /** Set once we ask it to leave (or kill it), so that its exit is not treated as a crash. */
    boolean exitRequested;
    /** We sent SIGKILL ourselves. */
    boolean killed;

    WorkerProcess(int slot, Process process, long generation) {
        this.slot = slot;
        this.process = process;
        this.pid = process.pid();
        this.generation = generation;
        this.startedNanos = System.nanoTime();
    }

    void kill() {
        killed = true;
        exitRequested = true;
        process.destroyForcibly();
    }
}
