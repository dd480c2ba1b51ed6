package dm.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The catalogue of every configuration key dm understands. Declared here and nowhere else. */
public final class Settings {

    private static final Pattern JAVA_CLASS_NAME =
            Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*");

    public static final Setting<String> SERVER_BIND = Setting.string("server.bind", "127.0.0.1",
            text -> text.isBlank() ? "must be an IP address or host name" : null,
            "Address the listening socket binds to: 127.0.0.1 for this machine only, 0.0.0.0 or :: for every interface.");

    public static final Setting<Integer> SERVER_PORT = Setting.integer("server.port", 6905, 0, 65535,
            "TCP port to listen on (6905 as in the seed; 0 picks a free port, handy for tests).");

    public static final Setting<Integer> SERVER_BACKLOG = Setting.integer("server.backlog", 128, 1, 65535,
            "Accept queue length. Linux silently drops SYNs when it is full and clients retry after 1, 3, 7 s,"
                    + " so keep it well above the seed's 5.");

    public static final Setting<Integer> POOL_MIN = Setting.integer("pool.min", 4, 1, 4096,
            "Workers started at boot; the pool never shrinks below this.");

    public static final Setting<Integer> POOL_MAX = Setting.integer("pool.max", 32, 1, 4096,
            "Upper bound on workers. The supervisor adds workers while every worker is busy, up to this.");

    public static final Setting<String> SCOREBOARD_FILE = Setting.string("scoreboard.file", "/run/dm/scoreboard",
            text -> text.isBlank() ? "must be a file path" : null,
            "Chronicle Map file shared by the supervisor, the workers and dm-ctl (created fresh, mode 0600)."
                    + " A relative path is resolved against the directory of this configuration file.");

    public static final Setting<String> WORKER_HANDLER = Setting.string("worker.handler", "dm.handler.EchoHandler",
            text -> JAVA_CLASS_NAME.matcher(text).matches() ? null : "must be a fully qualified Java class name",
            "Class implementing dm.handler.ConnectionHandler that serves each accepted connection.");

    public static final Setting<String> WORKER_CLASSPATH = Setting.string("worker.classpath", "",
            text -> null,
            "Extra jars or directories for the workers, separated by ':'. A directory adds every *.jar in it."
                    + " Relative paths are resolved against the directory of this configuration file.");

    public static final Setting<String> WORKER_JVM_OPTIONS = Setting.string("worker.jvm-options",
            "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -Xmx64m",
            text -> text.contains("\"") || text.contains("'") ? "quotes are not supported; separate options by spaces" : null,
            "Options for each worker JVM, separated by spaces.");

    public static final Setting<Integer> SUPERVISOR_TICK_MS = Setting.integer("supervisor.tick-ms", 200, 10, 10_000,
            "How often the supervisor reads dm-ctl commands and worker states, in milliseconds."
                    + " Worker exits are noticed at once regardless.");

    public static final Setting<Integer> SHUTDOWN_TIMEOUT_MS = Setting.integer("shutdown.timeout-ms", 30_000, 0, 86_400_000,
            "How long -wdown (and SIGTERM) waits for busy workers to finish before killing them, in milliseconds.");

    public static final List<Setting<?>> ALL = List.of(SERVER_BIND, SERVER_PORT, SERVER_BACKLOG, POOL_MIN, POOL_MAX,
            SCOREBOARD_FILE, WORKER_HANDLER, WORKER_CLASSPATH, WORKER_JVM_OPTIONS, SUPERVISOR_TICK_MS,
            SHUTDOWN_TIMEOUT_MS);

    static final Map<String, Setting<?>> BY_KEY = index();

    private Settings() {
    }

    private static Map<String, Setting<?>> index() {
        Map<String, Setting<?>> byKey = new LinkedHashMap<>();
        for (Setting<?> setting : ALL) {
            byKey.put(setting.key(), setting);
        }
        return byKey;
    }
}
