package dm.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The catalogue of every configuration key dm understands. Declared here and nowhere else. */
public final class Settings {

    private static final Pattern JAVA_CLASS_NAME =
            Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*");

    /** An address with a port after it: 127.0.0.1:6905, localhost:6905, [::1]:6905 (IPv6 without brackets has many colons). */
    private static final Pattern ADDRESS_WITH_PORT = Pattern.compile("(\\[[^\\]]*\\]|[^:\\[\\]]+):([0-9]*)");

    public static final Setting<String> SERVER_BIND = Setting.string("server.bind", "address", "127.0.0.1",
            Settings::bindProblem,
            "Address the listening socket binds to: 127.0.0.1 for this machine only, 0.0.0.0 or :: for every interface.");

    public static final Setting<Integer> SERVER_PORT = Setting.integer("server.port", 6905, 0, 65535,
            "TCP port to listen on (0 picks a free port, handy for tests).");

    public static final Setting<Integer> SERVER_BACKLOG = Setting.integer("server.backlog", 128, 1, 65535,
            "Accept queue length. Linux silently drops SYNs when it is full and clients retry after 1, 3, 7 s,"
                    + " so keep it well above small values such as 5, which gave client timeouts under load.");

    public static final Setting<Integer> SERVER_DEFER_ACCEPT_MS = Setting.integer("server.defer-accept-ms", 0, 0, 600_000,
            "Hold a new connection in the kernel until its first bytes arrive, for up to this long, before a worker"
                    + " accepts it (TCP_DEFER_ACCEPT): clients that connect and send nothing cost no worker. Rounded up"
                    + " to the kernel's steps (1, 3, 7, 15, 31, 63 s ...); after that the connection is handed over"
                    + " anyway. 0: off. Turn it on for protocols where the client speaks first (HTTP, the built-in"
                    + " handlers); leave it off where the server speaks first (a greeting), which it would delay."
                    + " Under systemd, set DeferAcceptSec= in dm.socket instead.");

    public static final Setting<Integer> POOL_MIN = Setting.integer("pool.min", 4, 1, 4096,
            "Workers started at boot; the pool never shrinks below this.");

    public static final Setting<Integer> POOL_MAX = Setting.integer("pool.max", 32, 1, 4096,
            "Upper bound on workers. The supervisor adds workers while every worker is busy, up to this.");

    public static final Setting<String> SCOREBOARD_FILE = Setting.string("scoreboard.file", "path", "/run/dm/scoreboard",
            text -> text.isBlank() ? "must be a file path" : null,
            "Chronicle Map file shared by the supervisor, the workers and dm-ctl (created fresh, mode 0600)."
                    + " A relative path is resolved against the directory of this configuration file.");

    public static final Setting<String> WORKER_HANDLER = Setting.string("worker.handler", "class name", "dm.handler.EchoHandler",
            text -> JAVA_CLASS_NAME.matcher(text).matches() ? null : "must be a fully qualified Java class name",
            "Class implementing dm.handler.ConnectionHandler that serves each accepted connection. Built in:"
                    + " dm.handler.EchoHandler (sends every byte back), dm.handler.PlusOneHandler (answers a byte with"
                    + " that byte plus one: 'A' comes back as 'B'), dm.handler.LineProtocolHandler (a line-based"
                    + " request/response protocol).");

    public static final Setting<String> WORKER_CLASSPATH = Setting.string("worker.classpath", "paths", "",
            text -> null,
            "Extra jars or directories for the workers, separated by ':'. A directory adds every *.jar in it."
                    + " Relative paths are resolved against the directory of this configuration file. They load apart"
                    + " from dm's own jars: of those, the handler sees only the handler API and slf4j-api.");

    public static final Setting<String> WORKER_JVM_OPTIONS = Setting.string("worker.jvm-options", "options",
            "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -Xmx64m",
            Settings::jvmOptionsProblem,
            "Options for each worker JVM, separated by spaces (no quoting). The default starts fast and small;"
                    + " drop -XX:TieredStopAtLevel=1 for CPU-heavy handlers, raise -Xmx for handlers that hold much data.");

    public static final Setting<Integer> WORKER_THREADS = Setting.integer("worker.threads", 1, 1, 1024,
            "Connections each worker JVM serves at once: that many threads, each waiting for connections on the"
                    + " shared socket (Apache's ThreadsPerChild). A crash or an out-of-memory costs the connections of"
                    + " that one worker. With more than 1, pool.min-spare and pool.max-spare count idle threads, the"
                    + " handler is called from several threads at once, and pool.max x worker.threads connections can"
                    + " be served at once (at most 16384). 1: one connection per JVM, as Apache prefork.");

    public static final Setting<Integer> SUPERVISOR_TICK_MS = Setting.integer("supervisor.tick-ms", 200, 10, 10_000,
            "How often the supervisor reads dm-ctl commands and worker states, in milliseconds."
                    + " Worker exits are noticed at once regardless.");

    public static final Setting<Integer> SHUTDOWN_TIMEOUT_MS = Setting.integer("shutdown.timeout-ms", 30_000, 0, 86_400_000,
            "Graceful timeout: how long -wdown, SIGTERM and -restart wait for a busy worker to finish before killing it.");

    public static final Setting<Integer> POOL_MIN_SPARE = Setting.integer("pool.min-spare", 2, 0, 4096,
            "Idle workers to keep ready (starting ones count); with worker.threads above 1, idle threads"
                    + " (Apache's MinSpareThreads). Fewer, and the supervisor starts more workers, up to pool.max."
                    + " 1: grow only when every worker (thread) is busy.");

    public static final Setting<Integer> POOL_MAX_SPARE = Setting.integer("pool.max-spare", 8, 1, 4096,
            "Idle workers beyond this are retired, one per tick, never below pool.min; with worker.threads above"
                    + " 1, idle threads (Apache's MaxSpareThreads), and a whole idle worker goes only if pool.min-spare"
                    + " idle threads remain. Set it to pool.max x worker.threads to never shrink.");

    public static final Setting<Integer> POOL_SHRINK_DELAY_MS = Setting.integer("pool.shrink-delay-ms", 10_000, 0,
            3_600_000,
            "How long idle workers (threads) must stay above pool.max-spare, at every tick without a break, before"
                    + " the pool retires one; then one per tick while it lasts. A lull between bursts then costs no"
                    + " worker that the next burst would have to boot again (a JVM boot costs about a second of CPU)."
                    + " 0: retire at the first tick, as Apache does once a second.");

    public static final Setting<Integer> POOL_MAX_SPAWN_RATE = Setting.integer("pool.max-spawn-rate", 8, 1, 1024,
            "Workers started per tick while spares are short: 1 the first tick, doubling each tick after, up to this."
                    + " 1: one at a time.");

    public static final Setting<Integer> POOL_MAX_BOOTING = Setting.integer("pool.max-booting", 0, 0, 4096,
            "Most worker JVMs booting at the same time (started, not yet accepting); the others wait their turn, so"
                    + " that on few cores the first of many accepts sooner instead of all sharing the CPU until"
                    + " the end. 0: as many as the machine has cores, and one alone while no worker accepts yet (at the"
                    + " daemon's start), so that the service is up after one boot's time.");

    public static final Setting<Integer> POOL_SATURATED_THREADS = Setting.integer("pool.saturated-threads", 0, 0, 1 << 20,
            "While the machine's CPU is saturated (under 10% idle over a tick), only this many threads of the pool"
                    + " take new connections, besides those serving one for longer than a tick: the first threads of"
                    + " the oldest workers. The others stand by, idle (they count as spares for pool.min-spare), and"
                    + " new connections wait in the listen queue, as with a prefork server of this many processes:"
                    + " more connections in flight would only share the same cores, each costing more CPU. Connections"
                    + " that would wait longer than a tick bring the threads standing by back at once; idle CPU (over"
                    + " 25%) with every allowed thread busy brings them back one worker at a time, and"
                    + " pool.shrink-delay-ms with none busy and the CPU not saturated, all of them. dm-ctl status"
                    + " shows the limit. 0: 4 per core. Set it to pool.max x worker.threads to have every thread take"
                    + " connections always.");

    public static final Setting<Boolean> WORKER_CLASS_ARCHIVE = Setting.bool("worker.class-archive", true,
            "Start workers from a class archive that the first worker writes beside the scoreboard (an AOT"
                    + " cache from JDK 25 on, an AppCDS archive before): about half the CPU and time per worker"
                    + " start. A stale or unusable one is never used. false: plain JVM starts.");

    public static final Setting<Integer> WORKER_MAX_REQUESTS = Setting.integer("worker.max-requests", 0, 0, Integer.MAX_VALUE,
            "A worker leaves after this many connections and a fresh one takes its place (its replacement starts"
                    + " first). 0: never. 1: a fresh process per connection, so that no client sees what an earlier one left.");

    public static final Setting<Integer> WORKER_MAX_REQUESTS_JITTER = Setting.integer("worker.max-requests-jitter", 0, 0,
            Integer.MAX_VALUE,
            "Adds a random 0..N to each worker's worker.max-requests so that workers do not all leave at once.");

    public static final Setting<Integer> WORKER_MAX_PSS_MIB = Setting.integer("worker.max-pss-mib", 0, 0, 1_048_576,
            "A worker whose memory (PSS, its share of the RAM it uses, from /proc/PID/smaps_rollup) grows beyond this"
                    + " many MiB is recycled as worker.max-requests recycles it: its replacement starts first, its"
                    + " connection in progress finishes. Read every worker.pss-interval-ms; dm-ctl status shows it."
                    + " Set it well above an idle worker's PSS (dm-ctl status). 0: never.");

    public static final Setting<Integer> WORKER_PSS_INTERVAL_MS = Setting.integer("worker.pss-interval-ms", 5_000, 100,
            3_600_000,
            "How often the supervisor reads each worker's PSS, for worker.max-pss-mib and dm-ctl status, in milliseconds.");

    public static final Setting<Integer> WORKER_REQUEST_TIMEOUT_MS = Setting.integer("worker.request-timeout-ms", 0, 0,
            Integer.MAX_VALUE,
            "A worker busy with one connection for longer than this is killed (and replaced), after a thread dump"
                    + " (SIGQUIT, in the log under the worker's pid) and a second's grace. 0: no limit.");

    public static final Setting<Integer> WORKER_READ_TIMEOUT_MS = Setting.integer("worker.read-timeout-ms", 60_000, 0,
            Integer.MAX_VALUE,
            "A connection that sends nothing for this long is closed, so a silent client cannot pin a worker (until"
                    + " its first byte, worker.first-byte-timeout-ms counts if shorter). 0: wait forever.");

    public static final Setting<Integer> WORKER_FIRST_BYTE_TIMEOUT_MS = Setting.integer("worker.first-byte-timeout-ms",
            20_000, 0, Integer.MAX_VALUE,
            "A connection whose first byte has not arrived this long after a worker accepted it is closed, so that"
                    + " a client that connects and sends nothing frees its worker sooner (like mod_reqtimeout's header"
                    + " timeout). After the first byte, worker.read-timeout-ms applies; the shorter of the two counts"
                    + " for the first byte. 0: worker.read-timeout-ms from the start.");

    public static final Setting<Integer> WORKER_SLOW_REQUEST_MS = Setting.integer("worker.slow-request-ms", 10_000, 0,
            Integer.MAX_VALUE,
            "A connection busy for longer than this is logged and counted as slow (dm-ctl status). 0: off.");

    public static final Setting<Integer> WORKER_MIN_UPTIME_MS = Setting.integer("worker.min-uptime-ms", 2_000, 0,
            Integer.MAX_VALUE,
            "A worker that dies unasked sooner than this after it started is restarted after a back-off that"
                    + " doubles from 100 ms up to worker.max-backoff-ms.");

    public static final Setting<Integer> WORKER_MAX_BACKOFF_MS = Setting.integer("worker.max-backoff-ms", 10_000, 0,
            Integer.MAX_VALUE,
            "Longest wait before restarting a worker that keeps dying soon after it starts. 0: restart at once.");

    public static final Setting<String> LOG_ACCESS_FILE = Setting.string("log.access-file", "path", "",
            text -> null,
            "Access log: one line per connection, as in Apache's access log, appended by the worker that served it"
                    + " (client, time accepted, slot, pid and thread, bytes in and out, microseconds from accept to"
                    + " close, and ok, timeout, reset or failed). A relative path is resolved against the directory of"
                    + " this configuration file; the directory must exist. Reopened by dm-ctl -restart (after"
                    + " logrotate, or rotate with copytruncate). Empty: off.");

    // Several hosts behind a load balancer: the agent endpoint and the drain before a graceful stop.
    public static final Setting<String> AGENT_LISTEN = Setting.string("agent.listen", "host:port", "",
            text -> {
                if (!text.isEmpty()) {
                    dm.net.HostAndPort.parse(text);
                }
                return null;
            },
            "Where the supervisor answers a load balancer's health checks with the pool's state, one line per"
                    + " connection in HAProxy's agent-check protocol (an HTTP GET, as from a Kubernetes readiness"
                    + " probe, gets 200 or 503): up N% (N: the share of pool.max x worker.threads connections not busy), drain from -wdown or"
                    + " -fdown until the daemon exits, maint while no worker accepts. For example 127.0.0.1:9106."
                    + " Costs no worker. Empty: off.");

    public static final Setting<Integer> AGENT_DRAIN_MS = Setting.integer("agent.drain-ms", 5_000, 0, 600_000,
            "With agent.listen set: how long -wdown and SIGTERM report drain, the pool serving on meanwhile,"
                    + " before the workers stop accepting. Make it longer than the balancer's check interval"
                    + " (HAProxy's agent-inter, 2 s by default). -fdown does not wait.");

    // Monitoring: the Prometheus endpoint.
    public static final Setting<String> METRICS_LISTEN = Setting.string("metrics.listen", "host:port", "",
            text -> {
                if (!text.isEmpty()) {
                    dm.net.HostAndPort.parse(text);
                }
                return null;
            },
            "Where the supervisor serves its metrics to Prometheus over HTTP (GET /metrics, text format): the"
                    + " same series as dm-ctl metrics, read from the scoreboard at each scrape. For example"
                    + " 127.0.0.1:9105. Costs no worker. Empty: off.");

    public static final List<Setting<?>> ALL = List.of(SERVER_BIND, SERVER_PORT, SERVER_BACKLOG, SERVER_DEFER_ACCEPT_MS,
            POOL_MIN, POOL_MAX, POOL_MIN_SPARE, POOL_MAX_SPARE, POOL_SHRINK_DELAY_MS, POOL_MAX_SPAWN_RATE, POOL_MAX_BOOTING, POOL_SATURATED_THREADS, SCOREBOARD_FILE, WORKER_HANDLER,
            WORKER_CLASSPATH, WORKER_JVM_OPTIONS, WORKER_THREADS, WORKER_CLASS_ARCHIVE, WORKER_MAX_REQUESTS,
            WORKER_MAX_REQUESTS_JITTER, WORKER_MAX_PSS_MIB, WORKER_PSS_INTERVAL_MS,
            WORKER_REQUEST_TIMEOUT_MS, WORKER_READ_TIMEOUT_MS, WORKER_FIRST_BYTE_TIMEOUT_MS, WORKER_SLOW_REQUEST_MS, WORKER_MIN_UPTIME_MS, WORKER_MAX_BACKOFF_MS,
            SUPERVISOR_TICK_MS, SHUTDOWN_TIMEOUT_MS, LOG_ACCESS_FILE,
            AGENT_LISTEN, AGENT_DRAIN_MS, METRICS_LISTEN);

    /**
     * Keys that start with this belong to the handler (dm.handler.HandlerSettings): dm passes them
     * on as written instead of refusing them as unknown, and the handler checks them.
     */
    public static final String HANDLER_PREFIX = "handler.";

    /** What the configuration reference says about the handler.* keys. */
    static final String HANDLER_KEYS_DOC = "The handler's own settings, such as handler.greeting = hi: passed to the"
            + " handler as written (WorkerContext.settings()), checked by the handler when it starts and by"
            + " dm-daemon --check. Re-read by dm-ctl -restart.";

    static final Map<String, Setting<?>> BY_KEY = index();

    private Settings() {
    }

    private static String bindProblem(String text) {
        if (text.isBlank()) {
            return "must be an IP address or host name";
        }
        java.util.regex.Matcher withPort = ADDRESS_WITH_PORT.matcher(text);
        if (withPort.matches()) {
            return "takes the address alone: put the port in server.port"
                    + (withPort.group(2).isEmpty() ? "" : " (server.port = " + withPort.group(2) + ")");
        }
        return null;
    }

    private static String jvmOptionsProblem(String text) {
        if (text.contains("\"") || text.contains("'")) {
            return "quotes are not supported; separate options by spaces";
        }
        for (String option : text.trim().split("\\s+")) {
            // The thread dump before a request-timeout kill is SIGQUIT; these leave SIGQUIT to the OS, which dumps core.
            if (option.equals("-Xrs") || option.equals("-XX:+ReduceSignalUsage")) {
                return option + " is not supported: dm sends a stuck worker SIGQUIT for a thread dump before it kills it,"
                        + " and with " + option + " the JVM would dump core instead";
            }
        }
        return null;
    }

    /** {@code handler.NAME}: a key of the handler's own. */
    public static boolean isHandlerKey(String key) {
        return key.startsWith(HANDLER_PREFIX) && key.length() > HANDLER_PREFIX.length();
    }

    private static Map<String, Setting<?>> index() {
        Map<String, Setting<?>> byKey = new LinkedHashMap<>();
        for (Setting<?> setting : ALL) {
            byKey.put(setting.key(), setting);
        }
        return byKey;
    }
}
