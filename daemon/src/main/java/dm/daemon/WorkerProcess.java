package dm.daemon;

import dm.scoreboard.ShutdownRequest;

/** The supervisor's own record of one worker it started. Touched only by the main loop. */
final class WorkerProcess {
    final int slot;
    final WorkerHandle handle;
    final long pid;
    /** The configuration it runs: a rolling restart replaces the workers of older generations. */
    final Generation generation;
    final long startedNanos;
    /** Started to write the class archive: restarted once it accepts. */
    final boolean trainer;
    /** What we asked of it; null until we ask it to leave, so that its exit is not taken for a crash. */
    private ShutdownRequest leaveRequest;
    /** When we asked it to leave (Clock.nanoTime), for the graceful timeout. */
    private long askedToLeaveNanos;
    /** Why we killed it, for the log; null unless we sent SIGKILL. */
    private String killReason;
    /** Started from the class archive, which it maps strictly (see {@link ClassArchive}). */
    boolean fromArchive;
    /** Slot of the replacement started because it reached worker.max-requests; -1: none yet. */
    int replacementSlot = -1;
    /** Per thread, busySince of the connection already reported as slow, so each is reported once. */
    final long[] slowReportedFor;
    /** A thread of it stuck past worker.request-timeout-ms (worker.threads above 1), or null. */
    StuckThreads.Stuck stuck;
    /** Why it is being recycled (worker.max-requests, worker.max-pss-mib); null while it is not. */
    String recycledFor;
    /** Its PSS has been read since it accepted (PssSampler). */
    boolean pssReadOnce;
    /** At its last PSS read: when (Clock.nanoTime), its connections so far, and whether it was idle. */
    long pssReadAtNanos;
    long pssReadAtCalls;
    boolean pssReadWhileIdle;
    /** Its recycling waits for another to finish (the min-spare guard), and the log has said so. */
    boolean recyclingHeldReported;
    /** Sent SIGQUIT for a thread dump; SIGKILL follows at {@link #killAtNanos}. */
    private boolean killPending;
    private long killAtNanos;

    WorkerProcess(int slot, WorkerHandle handle, Generation generation, boolean trainer, long startedNanos) {
        this.slot = slot;
        this.slowReportedFor = new long[generation.config().workerThreads()];
        this.handle = handle;
        this.pid = handle.pid();
        this.generation = generation;
        this.trainer = trainer;
        this.startedNanos = startedNanos;
    }

    boolean askedToLeave() {
        return leaveRequest != null;
    }

    /** RESTART: it is to be replaced in its own slot; SHUTDOWN: it goes for good. Null if not asked. */
    ShutdownRequest leaveRequest() {
        return leaveRequest;
    }

    long askedToLeaveNanos() {
        return askedToLeaveNanos;
    }

    String killReason() {
        return killReason;
    }

    boolean killed() {
        return killReason != null;
    }

    /** Only the pool calls this: see {@link Pool#askToLeave}. */
    void markAskedToLeave(ShutdownRequest request, long nowNanos) {
        if (leaveRequest == null) {
            askedToLeaveNanos = nowNanos; // the graceful timeout runs from the first request
        }
        leaveRequest = request;
    }

    /** Only the pool calls this: see {@link Pool#kill}. */
    void markKilled(String reason) {
        if (killReason == null) {
            killReason = reason;
        }
    }

    /** Only the pool calls this: see {@link Pool#dumpThreadsThenKill}. */
    void scheduleKill(long atNanos) {
        killPending = true;
        killAtNanos = atNanos;
    }

    /** A SIGKILL is due once its thread dump's grace is over, and not yet sent. */
    boolean killDueBy(long nowNanos) {
        return killPending && nowNanos - killAtNanos >= 0;
    }

    void killSent() {
        killPending = false;
    }

    long uptimeMillis(long nowNanos) {
        return (nowNanos - startedNanos) / 1_000_000;
    }
}
