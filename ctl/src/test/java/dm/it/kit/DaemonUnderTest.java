package dm.it.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One real daemon: bin/dm-daemon in the foreground with its own configuration, scoreboard and log
 * in a test directory. Started through {@link Daemons}, which closes it after the test; {@link #close}
 * kills it and every JVM it started, by pid, and waits for them.
 */
public final class DaemonUnderTest implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern LISTENING = Pattern.compile("supervisor: listening on 127\\.0\\.0\\.1:(\\d+) \\(backlog \\d+\\)");
    /** {@code worker PID (slot N) started}, or an exit: {@code exited: code 0}, {@code killed by signal SIGKILL}... */
    private static final Pattern WORKER_EVENT = Pattern.compile("supervisor: worker (\\d+) \\(slot (\\d+)\\) (.+)$");

    private final Path dir;
    private final Path config;
    private final Path log;
    private final Process process;
    private final int port;
    private boolean closed;

    private DaemonUnderTest(Path dir, Path config, Path log, Process process, int port) {
        this.dir = dir;
        this.config = config;
        this.log = log;
        this.process = process;
        this.port = port;
    }

    /** The defaults of every test: small pool, fast ticks, scoreboard in the test directory, port 0. */
    public static Map<String, String> defaults(Path dir) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("server.bind", "127.0.0.1");
        properties.put("server.port", "0");
        properties.put("pool.min", "2");
        properties.put("pool.max", "4");
        properties.put("scoreboard.file", dir.resolve("dm.scoreboard").toString());
        properties.put("supervisor.tick-ms", "50");
        properties.put("shutdown.timeout-ms", "10000");
        // The class-archive trainer restarts one worker right after start, which would make every
        // pool size a test expects wobble; ClassArchiveIT and the service tests run with it on.
        properties.put("worker.class-archive", "false");
        return properties;
    }

    public static Path writeConfig(Path dir, String name, Map<String, String> properties) {
        StringBuilder text = new StringBuilder("# written by " + DaemonUnderTest.class.getName() + "\n");
        properties.forEach((key, value) -> text.append(key).append(" = ").append(value).append('\n'));
        Path file = dir.resolve(name);
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return file;
    }

    /** Starts bin/dm-daemon -c config; returns once it logged its listening port. */
    static DaemonUnderTest start(Path dir, Path config, Map<String, String> environment) {
        String base = config.getFileName().toString().replaceFirst("\\.properties$", "");
        Path log = dir.resolve(base + ".log");
        Process process;
        try {
            // The test directory as working directory: a JVM crash leaves its hs_err file there.
            ProcessBuilder builder = Repo.processBuilder(List.of(Repo.daemonLauncher(), "-c", config.toString()));
            builder.environment().putAll(environment);
            process = builder
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new AssertionError("cannot start bin/dm-daemon", e);
        }
        try {
            int port = Await.value(START_TIMEOUT, () -> {
                if (!process.isAlive()) {
                    throw new AssertionError("dm-daemon exited with " + process.exitValue() + " before listening:\n"
                            + TextFiles.read(log));
                }
                return firstMatch(TextFiles.completeLines(log), LISTENING).map(m -> Integer.parseInt(m.group(1)));
            }, "dm-daemon to log 'listening on 127.0.0.1:PORT'");
            return new DaemonUnderTest(dir, config, log, process, port);
        } catch (RuntimeException | Error e) {
            Processes.killTree(process.toHandle());
            throw e;
        }
    }

    public long pid() {
        return process.pid();
    }

    public ProcessHandle handle() {
        return process.toHandle();
    }

    public Process process() {
        return process;
    }

    public int port() {
        return port;
    }

    public Path dir() {
        return dir;
    }

    public Path config() {
        return config;
    }

    public Path logFile() {
        return log;
    }

    public List<String> logLines() {
        return TextFiles.completeLines(log);
    }

    /** Waits for a log line matching {@code regex} (find, not whole-line) and returns its match. */
    public Matcher waitForLog(String regex, Duration timeout) {
        Pattern pattern = Pattern.compile(regex);
        return Await.value(timeout, () -> firstMatch(logLines(), pattern), "daemon log line /" + regex + "/ in " + log);
    }

    public boolean logContains(String regex) {
        return firstMatch(logLines(), Pattern.compile(regex)).isPresent();
    }

    /** Every worker start and exit the supervisor logged, in order. */
    public List<WorkerEvent> workerEvents() {
        List<WorkerEvent> events = new ArrayList<>();
        for (String line : logLines()) {
            Matcher m = WORKER_EVENT.matcher(line);
            if (m.find()) {
                events.add(new WorkerEvent(Long.parseLong(m.group(1)), Integer.parseInt(m.group(2)), m.group(3)));
            }
        }
        return events;
    }

    /** Slot to pid of the workers that, by the log, were started and have not exited. */
    public Map<Integer, Long> liveWorkersByLog() {
        Map<Integer, Long> live = new LinkedHashMap<>();
        for (WorkerEvent event : workerEvents()) {
            if (event.started()) {
                live.put(event.slot(), event.pid());
            } else if (Long.valueOf(event.pid()).equals(live.get(event.slot()))) {
                live.remove(event.slot());
            }
        }
        return live;
    }

    public record WorkerEvent(long pid, int slot, String what) {
        public boolean started() {
            return what.equals("started");
        }
    }

    /** Runs bin/dm-ctl -c CONFIG status and parses it. */
    public PoolStatus status() {
        Exec.Result result = Exec.ctl(dir, config, "status");
        assertEquals(0, result.exitCode(), () -> "dm-ctl status failed: " + result);
        return PoolStatus.parse(result.stdout());
    }

    /** A thread of a worker busy with a client's connection, as dm-ctl status --threads shows it. */
    public record Serving(int slot, int thread, long pid) {
    }

    private static final Pattern THREAD_ROW = Pattern.compile(
            "^\\s*(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+busy\\s+\\d+\\s+(?:-|\\d+ ms)\\s+(\\S+)$");

    /**
     * Waits until dm-ctl status --threads shows a thread busy with the connection from
     * 127.0.0.1:{@code clientPort}, and returns which (the log has no line per connection).
     */
    public Serving awaitServing(int clientPort, Duration timeout) {
        return Await.value(timeout, () -> {
            Exec.Result result = Exec.ctl(dir, config, "status", "--threads");
            assertEquals(0, result.exitCode(), () -> "dm-ctl status --threads failed: " + result);
            for (String row : result.stdout().split("\n")) {
                Matcher m = THREAD_ROW.matcher(row);
                if (m.matches() && m.group(4).equals("127.0.0.1:" + clientPort)) {
                    return Optional.of(new Serving(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                            Long.parseLong(m.group(3))));
                }
            }
            return Optional.empty();
        }, "a worker thread busy with 127.0.0.1:" + clientPort + " in dm-ctl status --threads");
    }

    /** Waits (through dm-ctl status) until {@code count} workers are idle, i.e. waiting for connections. */
    public PoolStatus awaitIdleWorkers(int count, Duration timeout) {
        return Await.value(timeout, () -> {
            PoolStatus status = status();
            return status.rows().stream().filter(r -> r.state().equals("idle")).count() >= count
                    ? Optional.of(status) : Optional.empty();
        }, count + " idle workers in dm-ctl status");
    }

    /** Waits for the daemon to exit by itself and returns its exit code. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("daemon " + pid() + " still running after " + timeout.toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return process.exitValue();
    }

    /** The worker JVMs that are children of the supervisor right now. */
    public List<ProcessHandle> workerProcesses() {
        return process.toHandle().children().filter(Processes::isWorker).collect(Collectors.toList());
    }

    /** Kills the supervisor and every JVM it started (its descendants and its orphans), and waits for them. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<ProcessHandle> all = new ArrayList<>();
        process.toHandle().descendants().forEach(all::add);
        all.add(process.toHandle());
        all.addAll(Processes.dmJvmsMentioning(config));
        Processes.killAll(all);
        assertTrue(all.stream().noneMatch(Processes::running), () -> "still alive after SIGKILL:" + Processes.describe(all));
    }

    private static Optional<Matcher> firstMatch(List<String> lines, Pattern pattern) {
        for (String line : lines) {
            Matcher m = pattern.matcher(line);
            if (m.find()) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
