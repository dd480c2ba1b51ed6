package dm.daemon;

import java.util.function.IntConsumer;

/** A running worker as the supervisor sees its process: a pid it can kill and whose exit it hears of. */
interface WorkerHandle {
    long pid();

    boolean isAlive();

    /** SIGKILL. */
    void kill();

    /** SIGQUIT: a JVM writes a thread dump to its stdout and runs on. */
    void quit();

    /**
     * SIGWINCH: the worker looks at its scoreboard record now rather than at its watchdog's next
     * tick, which at idle comes only every second (see dm.worker.Watchdog).
     */
    void nudge();

    /** Calls {@code listener} with the exit value once the process has exited, on any thread. */
    void onExit(IntConsumer listener);

    /** The exit value, once it has exited. */
    int exitValue();

    /** Waits up to {@code nanos} for the exit; true once it has exited. */
    boolean awaitExit(long nanos) throws InterruptedException;
}
