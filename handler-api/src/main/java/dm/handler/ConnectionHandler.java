package dm.handler;

/**
 * The business logic a worker runs on each connection it accepts.
 *
 * <p>A worker creates one instance with the public no-argument constructor, calls
 * {@link #configure} and then {@link #start} once before it accepts anything, {@link #handle} once
 * per accepted connection, and {@link #stop} once when it leaves (after every {@code handle} has
 * returned). The worker closes the connection after {@code handle} returns or throws; an exception
 * costs that one connection only.
 *
 * <p><b>Threads.</b> With {@code worker.threads = 1} (one connection per worker JVM, as Apache
 * prefork) {@code handle} is called one connection at a time, always on the same thread. With
 * {@code worker.threads} above 1 the same instance serves that many connections at once, each
 * on its own platform thread ({@link WorkerContext#thread()} of {@link Connection#worker()} says
 * which): whatever {@code handle} shares through fields must then be thread-safe, like a servlet's
 * state. Keep per-connection state in local variables. {@link #start} happens-before every
 * {@code handle}. The handler may use threads of its own, virtual ones too; it must never accept
 * on the listening socket itself. The built-in handlers keep no shared state and are safe.
 *
 * <p>The handler's class and the jars of {@code worker.classpath} are loaded by a class loader of
 * their own that sees this API, slf4j and the JDK, nothing else of dm: a handler may bring its own
 * version of any library.
 */
public interface ConnectionHandler {

    /**
     * Reads and checks the handler's settings (the {@code handler.*} keys of the configuration
     * file). Throw the exception of {@link HandlerSettings#invalid} (the typed getters throw it too)
     * to refuse a value: the worker does not boot, and the line names the key and the value.
     *
     * <p>{@code dm-daemon --check}, the daemon's start and {@code dm-ctl -restart} also run the
     * constructor and this method, in a short-lived JVM of their own that serves nothing, so that a
     * value the handler refuses is reported as a bad configuration (exit code 78) before any worker
     * starts. So keep the constructor and this method to reading settings: open connections, files
     * and threads in {@link #start}.
     *
     * @param settings the {@code handler.*} keys, the same object as {@link WorkerContext#settings}
     * @throws InvalidSettingException when a value cannot be used
     */
    default void configure(HandlerSettings settings) {
    }

    /**
     * Per-worker set-up, for resources such as a database pool. A failure stops the worker's boot.
     *
     * @param context the worker that runs this handler, for its logger, slot, pid and settings
     * @throws Exception any failure: the worker does not boot, and the line gives the cause
     */
    default void start(WorkerContext context) throws Exception {
    }

    /**
     * Serves one accepted connection.
     *
     * @param connection the client's streams and address; the worker closes it afterwards
     * @throws Exception any failure: it costs this one connection, which is closed
     */
    void handle(Connection connection) throws Exception;

    /** Per-worker tear-down, called once when the worker leaves normally. */
    default void stop() {
    }
}
