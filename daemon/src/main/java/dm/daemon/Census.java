package dm.daemon;

/**
 * The pool counted once per tick, for the pool policy. {@code live} counts worker processes and
 * slots waiting for a replacement; {@code leaving} those asked to leave. {@code idle},
 * {@code starting} and {@code busy} count threads (with worker.threads = 1, workers): idle ones
 * blocked in accept() in workers that accept, busy ones serving a connection, starting ones those
 * of workers not yet accepting plus replacements on the way.
 */
record Census(int live, int leaving, int idle, int starting, int busy) {
}
