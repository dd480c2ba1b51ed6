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
}
