package dm.handler;

import org.slf4j.Logger;

/** What a handler learns about the worker that runs it. */
public interface WorkerContext {

    /**
     * The worker's slot on the scoreboard.
     *
     * @return 0 .. pool.max - 1
     */
    int slot();

    /**
     * The worker's process id.
     *
     * @return the pid of this worker JVM
     */
    long pid();

    /**
     * A logger whose lines carry the worker's pid and slot.
     *
     * @return the worker's logger
     */
    Logger log();

    /**
     * The handler's settings: every {@code handler.*} key of the configuration file, as the
     * supervisor read it at start or at the last {@code dm-ctl -restart}.
     *
     * @return the settings, the same object that {@link ConnectionHandler#configure} was given
     */
    HandlerSettings settings();

    /**
     * Which of the worker's accepting threads the caller runs on. A worker with
     * {@code worker.threads} above 1 calls {@link ConnectionHandler#handle} from that many threads
     * at once; this tells them apart (to pick a per-thread buffer, say, or in a log line).
     *
     * @return 0 .. worker.threads - 1 when called on the thread that runs {@code handle}; -1 on any
     *         other thread ({@link ConnectionHandler#start}, {@link ConnectionHandler#stop}, threads
     *         the handler starts itself)
     */
    default int thread() {
        return 0;
    }

    /**
     * How many connections this worker serves at once: {@code worker.threads}, for sizing what
     * the handler shares between them (a database pool, say).
     *
     * @return 1 .. 1024
     */
    default int threads() {
        return 1;
    }
}
