package dm.daemon;

/** Something that happened outside the main loop, queued for it to act on. */
sealed interface SupervisorEvent {

    /** The JDK's process reaper saw a worker exit. */
    record WorkerExited(WorkerProcess worker, int exitValue) implements SupervisorEvent {
    }

    /** A signal arrived; handlers only enqueue, the loop decides. */
    record SignalReceived(String name) implements SupervisorEvent {
    }
}
