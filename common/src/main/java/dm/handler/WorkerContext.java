package dm.handler;

import org.slf4j.Logger;

/** What a handler learns about the worker that runs it. */
public interface WorkerContext {

    /** The worker's slot on the scoreboard, 0 .. pool.max - 1. */
    int slot();

    /** The worker's process id. */
    long pid();

    /** A logger whose lines carry the worker's pid and slot. */
    Logger log();
}
