package dm.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;

import dm.text.Shown;

/** A validated configuration read from a properties file; immutable. */
public final class ServerConfig {

    private final Path file;
    private final Map<Setting<?>, Object> values;
    /** The handler.* keys: the handler's own, passed on as written. */
    private final SortedMap<String, String> handlerSettings;

    private ServerConfig(Path file, Map<Setting<?>, Object> values, SortedMap<String, String> handlerSettings) {
        this.file = file;
        this.values = values;
        this.handlerSettings = Collections.unmodifiableSortedMap(handlerSettings);
    }

    /** conf/server.properties of the installation (system property dm.home), else of the working directory. */
    public static Path defaultFile() {
        String home = System.getProperty("dm.home");
        return home == null ? Path.of("conf", "server.properties") : Path.of(home, "conf", "server.properties");
    }

    /** Reads and validates {@code file}; every problem is reported as one line naming file and key. */
    public static ServerConfig load(Path file) throws ConfigException {
        Path absolute = file.toAbsolutePath().normalize();
        List<PropertiesFile.Entry> entries = ConfigFile.entries(absolute, key -> true);
        return fromProperties(absolute, PropertiesFile.toProperties(entries));
    }

    /**
     * dm-ctl: where the daemon of {@code file} keeps its scoreboard, reading that key alone, so that
     * an operator can still stop or inspect a daemon while the rest of the file is being edited.
     */
    public static Path locateScoreboard(Path file) throws ConfigException {
        Path absolute = file.toAbsolutePath().normalize();
        List<PropertiesFile.Entry> entries = ConfigFile.entries(absolute, Settings.SCOREBOARD_FILE.key()::equals);
        Properties properties = PropertiesFile.toProperties(entries);
        String value = properties.getProperty(Settings.SCOREBOARD_FILE.key(), Settings.SCOREBOARD_FILE.defaultValue()).strip();
        Path base = absolute.getParent() == null ? Path.of(".") : absolute.getParent();
        return base.resolve(value).toAbsolutePath().normalize();
    }

    static ServerConfig fromProperties(Path file, Properties properties) throws ConfigException {
        Map<Setting<?>, Object> values = new HashMap<>();
        for (Setting<?> setting : Settings.ALL) {
            values.put(setting, setting.defaultValue());
        }
        SortedMap<String, String> handlerSettings = new TreeMap<>();
        List<String> keys = new ArrayList<>(properties.stringPropertyNames());
        keys.sort(null);
        for (String key : keys) {
            if (Settings.isHandlerKey(key)) {
                handlerSettings.put(key, properties.getProperty(key).strip());
                continue;
            }
            Setting<?> setting = Settings.BY_KEY.get(key);
            if (setting == null) {
                throw new ConfigException(file + ": unknown key " + Shown.quoted(key));
            }
            String text = properties.getProperty(key).strip();
            try {
                values.put(setting, setting.parse(text));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(file + ": " + key + " = " + Shown.quoted(text) + ": " + e.getMessage());
            }
        }
        ServerConfig config = new ServerConfig(file, values, handlerSettings);
        config.checkRelations();
        return config;
    }

    private void checkRelations() throws ConfigException {
        requireAtMost(Settings.POOL_MIN, Settings.POOL_MAX);
        requireAtMost(Settings.POOL_MIN_SPARE, Settings.POOL_MAX_SPARE);
        long threadRecords = (long) poolMax() * workerThreads();
        if (threadRecords > MAX_THREAD_RECORDS) {
            throw new ConfigException(file + ": " + Settings.POOL_MAX.key() + " = " + poolMax() + " x "
                    + Settings.WORKER_THREADS.key() + " = " + workerThreads() + " is " + threadRecords
                    + " connections at once; the scoreboard holds at most " + MAX_THREAD_RECORDS);
        }
    }

    /**
     * Thread records the scoreboard may hold (pool.max x worker.threads). Every process binds each
     * record when it opens the scoreboard; this keeps that, and the file, small (Apache caps
     * ServerLimit x ThreadLimit the same way).
     */
    public static final int MAX_THREAD_RECORDS = 16_384;

    private void requireAtMost(Setting<Integer> lower, Setting<Integer> upper) throws ConfigException {
        if (get(lower) > get(upper)) {
            throw new ConfigException(file + ": " + lower.key() + " = " + get(lower) + " is greater than "
                    + upper.key() + " = " + get(upper));
        }
    }

    /**
     * What the workers' snapshot holds: every setting, the handler's, and paths made absolute
     * (see {@link ConfigSnapshot}).
     */
    Properties snapshotProperties() {
        Properties properties = new Properties();
        for (Setting<?> setting : Settings.ALL) {
            properties.setProperty(setting.key(), String.valueOf(values.get(setting)));
        }
        handlerSettings.forEach(properties::setProperty);
        properties.setProperty(Settings.SCOREBOARD_FILE.key(), scoreboardFile().toString());
        accessLogFile().ifPresent(file -> properties.setProperty(Settings.LOG_ACCESS_FILE.key(), file.toString()));
        List<String> classpath = new ArrayList<>();
        for (String part : get(Settings.WORKER_CLASSPATH).split(":")) {
            if (!part.isBlank()) {
                classpath.add(resolve(part.strip()).toString());
            }
        }
        properties.setProperty(Settings.WORKER_CLASSPATH.key(), String.join(":", classpath));
        return properties;
    }

    /**
     * A copy of this configuration in which {@code settings} keep the values they have in
     * {@code other}, validated again as a whole (pool.min must still fit the pool.max kept).
     */
    public ServerConfig keeping(ServerConfig other, List<Setting<?>> settings) throws ConfigException {
        Map<Setting<?>, Object> merged = new HashMap<>(values);
        for (Setting<?> setting : settings) {
            merged.put(setting, other.values.get(setting));
        }
        ServerConfig config = new ServerConfig(file, merged, new TreeMap<>(handlerSettings));
        config.checkRelations();
        return config;
    }

    /** Where the supervisor keeps the workers' snapshot ({@link ConfigSnapshot}): beside the scoreboard. */
    public Path snapshotFile() {
        Path scoreboard = scoreboardFile();
        return scoreboard.resolveSibling(scoreboard.getFileName() + ".conf");
    }

    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        return (T) values.get(setting);
    }

    public Path file() {
        return file;
    }

    public String bindAddress() {
        return get(Settings.SERVER_BIND);
    }

    public int port() {
        return get(Settings.SERVER_PORT);
    }

    public int backlog() {
        return get(Settings.SERVER_BACKLOG);
    }

    public int deferAcceptMillis() {
        return get(Settings.SERVER_DEFER_ACCEPT_MS);
    }

    public int poolMin() {
        return get(Settings.POOL_MIN);
    }

    public int poolMax() {
        return get(Settings.POOL_MAX);
    }

    public int workerThreads() {
        return get(Settings.WORKER_THREADS);
    }

    public Path scoreboardFile() {
        return resolve(get(Settings.SCOREBOARD_FILE));
    }

    /** log.access-file, resolved; empty when the access log is off. */
    public Optional<Path> accessLogFile() {
        String file = get(Settings.LOG_ACCESS_FILE);
        return file.isBlank() ? Optional.empty() : Optional.of(resolve(file.strip()));
    }

    public String handlerClass() {
        return get(Settings.WORKER_HANDLER);
    }

    /** The handler.* keys and their values (stripped), sorted: dm passes them to the handler unchecked. */
    public SortedMap<String, String> handlerSettings() {
        return handlerSettings;
    }

    /** Extra class path entries for the workers, resolved; directories are expanded to their jars. */
    public List<Path> workerClasspath() {
        List<Path> entries = new ArrayList<>();
        for (String part : get(Settings.WORKER_CLASSPATH).split(":")) {
            if (part.isBlank()) {
                continue;
            }
            Path path = resolve(part.strip());
            if (Files.isDirectory(path)) {
                try (var jars = Files.list(path)) {
                    jars.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().forEach(entries::add);
                } catch (IOException e) {
                    entries.add(path);
                }
            } else {
                entries.add(path);
            }
        }
        return entries;
    }

    public List<String> workerJvmOptions() {
        String text = get(Settings.WORKER_JVM_OPTIONS).strip();
        return text.isEmpty() ? List.of() : Arrays.asList(text.split("\\s+"));
    }

    public int minSpare() {
        return get(Settings.POOL_MIN_SPARE);
    }

    public int maxSpare() {
        return get(Settings.POOL_MAX_SPARE);
    }

    public int shrinkDelayMillis() {
        return get(Settings.POOL_SHRINK_DELAY_MS);
    }

    public int maxSpawnRate() {
        return get(Settings.POOL_MAX_SPAWN_RATE);
    }

    /**
     * pool.max-booting; at 0 (the default) as many as the machine has cores, but one while no worker
     * of the pool accepts: the first accepts after one boot's time instead of when its batch does.
     */
    public int maxBooting(boolean anyWorkerAccepts) {
        int max = get(Settings.POOL_MAX_BOOTING);
        if (max > 0) {
            return max;
        }
        return anyWorkerAccepts ? Runtime.getRuntime().availableProcessors() : 1;
    }

    /** pool.saturated-threads; at 0 (the default) 4 per core. */
    public int saturatedThreads() {
        int threads = get(Settings.POOL_SATURATED_THREADS);
        return threads > 0 ? threads : 4 * Runtime.getRuntime().availableProcessors();
    }

    public boolean classArchive() {
        return get(Settings.WORKER_CLASS_ARCHIVE);
    }

    public int maxRequests() {
        return get(Settings.WORKER_MAX_REQUESTS);
    }

    public int maxRequestsJitter() {
        return get(Settings.WORKER_MAX_REQUESTS_JITTER);
    }

    /** worker.max-pss-mib; 0: off. */
    public int maxPssMib() {
        return get(Settings.WORKER_MAX_PSS_MIB);
    }

    public int pssIntervalMillis() {
        return get(Settings.WORKER_PSS_INTERVAL_MS);
    }

    public int requestTimeoutMillis() {
        return get(Settings.WORKER_REQUEST_TIMEOUT_MS);
    }

    public int readTimeoutMillis() {
        return get(Settings.WORKER_READ_TIMEOUT_MS);
    }

    public int firstByteTimeoutMillis() {
        return get(Settings.WORKER_FIRST_BYTE_TIMEOUT_MS);
    }

    public int slowRequestMillis() {
        return get(Settings.WORKER_SLOW_REQUEST_MS);
    }

    public int minUptimeMillis() {
        return get(Settings.WORKER_MIN_UPTIME_MS);
    }

    public int maxBackoffMillis() {
        return get(Settings.WORKER_MAX_BACKOFF_MS);
    }

    public int tickMillis() {
        return get(Settings.SUPERVISOR_TICK_MS);
    }

    public int shutdownTimeoutMillis() {
        return get(Settings.SHUTDOWN_TIMEOUT_MS);
    }

    /** Where the agent endpoint listens; empty when it is off. */
    public java.util.Optional<dm.net.HostAndPort> agentListen() {
        String text = get(Settings.AGENT_LISTEN);
        return text.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(dm.net.HostAndPort.parse(text));
    }

    /** Where the Prometheus endpoint listens; empty when it is off. */
    public java.util.Optional<dm.net.HostAndPort> metricsListen() {
        String text = get(Settings.METRICS_LISTEN);
        return text.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(dm.net.HostAndPort.parse(text));
    }

    /** How long a graceful stop reports drain first: agent.drain-ms, or 0 when there is no agent endpoint to report it. */
    public int agentDrainMillis() {
        return agentListen().isPresent() ? get(Settings.AGENT_DRAIN_MS) : 0;
    }

    private Path resolve(String path) {
        Path base = file.getParent() == null ? Path.of(".") : file.getParent();
        return base.resolve(path).toAbsolutePath().normalize();
    }
}
