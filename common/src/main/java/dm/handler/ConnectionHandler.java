package dm.handler;

/**
 * The business logic a worker runs on each connection it accepts.
 *
 * <p>A worker creates one instance with the public no-argument constructor, calls {@link #start}
 * once before it accepts anything, {@link #handle} once per accepted connection (one at a time,
 * always on the same thread), and {@link #stop} once when it leaves. The worker closes the
 * connection after {@code handle} returns or throws; an exception costs that one connection only.
 */
public interface ConnectionHandler {

    /** Per-worker set-up, for resources such as a database pool. A failure stops the worker's boot. */
    default void start(WorkerContext context) throws Exception {
    }

    /** Serves one accepted connection. */
    void handle(Connection connection) throws Exception;

    /** Per-worker tear-down, called once when the worker leaves normally. */
    default void stop() {
    }
}
