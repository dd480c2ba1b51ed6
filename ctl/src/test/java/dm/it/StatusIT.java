package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dm.it.kit.Await;
import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.Echo;
import dm.it.kit.Exec;
import dm.it.kit.HeldClients;
import dm.it.kit.LogTimes;
import dm.it.kit.PoolStatus;

/**
 * dm-ctl status (text, --json, --watch) and dm-ctl metrics, checked against what the test did: connections
 * made, a saturated pool with clients queued behind it, slow requests.
 */
@ExtendWith(DmExtension.class)
class StatusIT {
    static final int POOL_MAX = 2;
    static final int SHORT_CONNECTIONS = 5;
    static final int QUEUED = 3;
    static final int SLOW_MS = 300;
    static final String CLEAR_SCREEN = "\033[H\033[2J";
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    /** {@code name{label="value",...} value}: a sample line of the Prometheus text format. */
    static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"[^\"\\\\\\n]*\""
            + "(,[a-zA-Z_][a-zA-Z0-9_]*=\"[^\"\\\\\\n]*\")*\\})? (-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?|NaN|[-+]Inf)$");
    static final Pattern COMMENT = Pattern.compile("^# (HELP [a-zA-Z_:][a-zA-Z0-9_:]* .+|TYPE [a-zA-Z_:][a-zA-Z0-9_:]*"
            + " (counter|gauge|histogram|summary|untyped))$");

    @TempDir
    Path dir;
    /** Slot to PSS in KiB, as dm-ctl status --json showed it. */
    private final Map<Integer, Long> pssKib = new HashMap<>();

    @Test
    void statusJsonWatchAndMetricsShowWhatTheTestDid(Daemons daemons) throws Exception {
        // PSS read once, on the first tick (an hour until the next): text, JSON and metrics must show the same figure.
        DaemonUnderTest daemon = daemons.start(dir, Map.of("pool.min", "" + POOL_MAX, "pool.max", "" + POOL_MAX,
                "worker.slow-request-ms", "" + SLOW_MS, "worker.pss-interval-ms", "3600000"));
        daemon.awaitIdleWorkers(POOL_MAX, Duration.ofSeconds(30));
        PoolStatus fresh = daemon.status();
        assertEquals(0, fresh.accepted(), "accepted before any client");
        assertTrue(fresh.scoreboardLine().matches("__\\.*"), () -> "scoreboard line of two idle workers:\n" + fresh.text());

        Random random = new Random();
        for (int i = 0; i < SHORT_CONNECTIONS; i++) {
            try (Echo echo = new Echo(daemon.port())) {
                echo.roundTrip(Echo.randomBytes(random, 100));
            }
        }
        try (HeldClients held = new HeldClients(daemon.port(), POOL_MAX)) {
            held.awaitServed(POOL_MAX, Duration.ofSeconds(30));
            // The pool is saturated: these wait in the accept queue.
            List<Echo> queued = new ArrayList<>();
            for (int i = 0; i < QUEUED; i++) {
                queued.add(new Echo(daemon.port()));
            }
            int accepted = SHORT_CONNECTIONS + POOL_MAX;
            // The supervisor samples the queue about once a second and reports a slow request once it is slow.
            PoolStatus status = Await.value(Duration.ofSeconds(20), () -> {
                PoolStatus s = daemon.status();
                return s.listenQueue() == QUEUED && s.maxListenQueue() >= QUEUED && s.slow() == POOL_MAX
                        ? Optional.of(s) : Optional.empty();
            }, "listen queue " + QUEUED + " now and seen, " + POOL_MAX + " slow requests");
            System.out.println("StatusIT: dm-ctl status:\n" + status.text());

            // The pool.
            assertEquals(daemon.pid(), status.supervisorPid(), "supervisor pid");
            assertEquals("normal", status.parentStatus());
            assertEquals(daemon.port(), status.port(), "port");
            assertAbout(daemon.handle().info().startInstant().orElseThrow(), status.started(), "daemon start time");
            assertEquals(accepted, status.accepted(), "accepted connections = connections made and served");
            assertEquals(QUEUED, status.listenQueue(), "listen queue now");
            assertTrue(status.maxListenQueue() >= status.listenQueue(), "max seen >= now");
            assertEquals(128, status.backlog(), "backlog");
            assertEquals(0, status.idle(), "idle");
            assertEquals(POOL_MAX, status.busy(), "busy");
            assertEquals(POOL_MAX, status.total(), "total");
            assertEquals(0, status.starting() + status.leaving(), "starting and leaving");
            assertEquals(POOL_MAX, status.maxBusy(), "max busy");
            assertEquals(1, status.maxReached(), "pool.max reached once: when both workers became busy");
            assertEquals(POOL_MAX, status.slow(), "slow requests: the two held connections");
            assertEquals(0, status.timeoutKills(), "timeout kills");
            assertTrue(status.scoreboardLine().matches("WW\\.*"), "scoreboard line: " + status.scoreboardLine());
            // Per worker.
            Set<Long> children = daemon.workerProcesses().stream().map(ProcessHandle::pid).collect(Collectors.toSet());
            Set<String> heldClients = held.servedPorts().stream().map(p -> "127.0.0.1:" + p).collect(Collectors.toSet());
            assertEquals(children, status.rows().stream().map(PoolStatus.Row::pid).collect(Collectors.toSet()), "pids");
            assertEquals(heldClients, status.rows().stream().map(PoolStatus.Row::client).collect(Collectors.toSet()),
                    "each busy worker's client");
            long requests = 0;
            for (PoolStatus.Row row : status.rows()) {
                assertEquals("busy", row.state());
                assertTrue(row.busyMillis() >= SLOW_MS, "current request's duration: " + row);
                assertAbout(ProcessHandle.of(row.pid()).orElseThrow().info().startInstant().orElseThrow(), row.started(),
                        "start time of worker " + row.pid());
                requests += row.requests();
                assertTrue(row.pssMib() > 0, "PSS of worker " + row.pid() + ", read on the first tick: " + row);
            }
            assertEquals(accepted, requests, "requests of the workers add up to the accepted connections");
            assertEquals(POOL_MAX, LogTimes.find(daemon.logLines(), "WARN  dm\\[\\d+\\] supervisor: slow request: worker \\d+"
                    + " \\(slot \\d+\\), client 127\\.0\\.0\\.1:\\d+, busy for \\d+ ms$").size(), "slow requests logged once each");

            checkJson(daemon, status);
            checkMetrics(daemon, status);
            checkWatch(daemon);

            for (Echo client : queued) {
                client.close();
            }
            held.release(Duration.ofSeconds(30));
        }
    }

    private void checkJson(DaemonUnderTest daemon, PoolStatus text) throws Exception {
        Exec.Result json = Exec.ctl(dir, daemon.config(), "status", "--json");
        assertEquals(0, json.exitCode(), () -> "status --json: " + json);
        Path file = dir.resolve("status.json");
        Files.writeString(file, json.stdout());
        Exec.Result valid = Exec.run(dir, Duration.ofSeconds(30), List.of("python3", "-m", "json.tool", file.toString()));
        assertEquals(0, valid.exitCode(), () -> "dm-ctl status --json is not valid JSON: " + valid + "\n" + json.stdout());
        System.out.println("StatusIT: dm-ctl status --json:\n" + json.stdout());
        String out = json.stdout();
        assertEquals(text.supervisorPid(), number(out, "supervisor_pid"));
        assertEquals(text.port(), number(out, "port"));
        assertEquals(text.accepted(), number(out, "accepted_connections"));
        assertEquals(text.listenQueue(), number(out, "listen_queue"));
        assertTrue(number(out, "max_listen_queue") >= text.listenQueue());
        assertEquals(text.backlog(), number(out, "backlog"));
        assertEquals(text.idle(), number(out, "idle_workers"));
        assertEquals(text.busy(), number(out, "busy_workers"));
        assertEquals(text.total(), number(out, "total_workers"));
        assertEquals(text.maxBusy(), number(out, "max_busy_threads"));
        assertEquals(text.threadsPerWorker(), number(out, "threads_per_worker"));
        assertEquals(text.idleThreads(), number(out, "idle_threads"));
        assertEquals(text.busyThreads(), number(out, "busy_threads"));
        assertEquals(text.maxReached(), number(out, "max_workers_reached"));
        assertEquals(text.slow(), number(out, "slow_requests"));
        assertEquals(text.timeoutKills(), number(out, "timeout_kills"));
        assertTrue(out.contains("\"scoreboard_line\":\"" + text.scoreboardLine() + "\""), "scoreboard line");
        Matcher worker = Pattern.compile("\\{\"slot\":(\\d+),\"pid\":(\\d+),\"state\":\"(\\w+)\",\"started\":\"[^\"]+\","
                + "\"requests\":(\\d+),\"request_duration_ms\":(\\d+|null),\"client\":(\"[^\"]+\"|null),"
                + "\"pss_kib\":(\\d+|null),\"threads_busy\":(\\d+),\"threads_idle\":\\d+,\"threads\":\\[").matcher(out);
        Map<Long, String> clients = new HashMap<>();
        pssKib.clear();
        while (worker.find()) {
            PoolStatus.Row row = text.row(Integer.parseInt(worker.group(1)));
            assertEquals(row.pid(), Long.parseLong(worker.group(2)));
            assertEquals(row.state(), worker.group(3));
            assertEquals(row.requests(), Long.parseLong(worker.group(4)));
            assertTrue(Long.parseLong(worker.group(5)) >= row.busyMillis(), "request duration grows");
            clients.put(row.pid(), worker.group(6).replace("\"", ""));
            assertEquals(String.format(java.util.Locale.ROOT, "%.1f", row.pssMib()),
                    String.format(java.util.Locale.ROOT, "%.1f", Long.parseLong(worker.group(7)) / 1024.0), "PSS of " + row.pid());
            pssKib.put(row.slot(), Long.parseLong(worker.group(7)));
            assertEquals(row.busyThreads(), Integer.parseInt(worker.group(8)), "busy threads of " + row.pid());
        }
        assertEquals(text.rows().size(), clients.size(), "one JSON worker per row");
        text.rows().forEach(r -> assertEquals(r.client(), clients.get(r.pid()), "client of " + r.pid()));
    }

    private void checkMetrics(DaemonUnderTest daemon, PoolStatus text) {
        Exec.Result metrics = Exec.ctl(dir, daemon.config(), "metrics");
        assertEquals(0, metrics.exitCode(), () -> "metrics: " + metrics);
        System.out.println("StatusIT: dm-ctl metrics:\n" + metrics.stdout());
        Map<String, String> samples = new HashMap<>();
        Set<String> typed = new HashSet<>();
        for (String line : metrics.stdout().split("\n")) {
            if (line.startsWith("#")) {
                assertTrue(COMMENT.matcher(line).matches(), "HELP or TYPE line: '" + line + "'");
                if (line.startsWith("# TYPE ")) {
                    typed.add(line.split(" ")[2]);
                }
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertTrue(m.matches(), "Prometheus sample 'name{labels} value': '" + line + "'");
            String family = m.group(1).replaceFirst("_(bucket|sum|count)$", "");
            assertTrue(typed.contains(m.group(1)) || typed.contains(family), "sample after its TYPE line: " + line);
            samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), m.group(4));
        }
        assertEquals(text.accepted(), value(samples, "dm_accepted_connections_total"));
        assertEquals(text.busy(), value(samples, "dm_workers{state=\"busy\"}"));
        assertEquals(text.idle(), value(samples, "dm_workers{state=\"idle\"}"));
        assertEquals(text.busyThreads(), value(samples, "dm_threads{state=\"busy\"}"));
        assertEquals(text.idleThreads(), value(samples, "dm_threads{state=\"idle\"}"));
        assertEquals(text.threadsPerWorker(), value(samples, "dm_threads_per_worker"));
        assertEquals(text.listenQueue(), value(samples, "dm_listen_queue"));
        assertEquals(text.slow(), value(samples, "dm_slow_requests_total"));
        assertEquals(text.maxReached(), value(samples, "dm_max_workers_reached_total"));
        assertEquals(1, value(samples, "dm_up"));
        for (PoolStatus.Row row : text.rows()) {
            assertEquals(row.requests(), value(samples, "dm_worker_requests{slot=\"" + row.slot() + "\"}"),
                    "labelled by slot alone, no pid");
            assertEquals(pssKib.get(row.slot()) * 1024, value(samples, "dm_worker_pss_bytes{slot=\"" + row.slot() + "\"}"),
                    "PSS in bytes");
        }
        assertTrue(samples.keySet().stream().noneMatch(series -> series.contains("pid=")), "no pid label");
    }

    private void checkWatch(DaemonUnderTest daemon) throws Exception {
        Exec.Running watch = Exec.ctlAsync(dir, daemon.config(), "status", "--watch", "0.2");
        try {
            // Five frames, 0.2 s apart: the screen is cleared and redrawn, about a second.
            Await.until(Duration.ofSeconds(20), () -> count(watch.stdout(), CLEAR_SCREEN) >= 5 || !watch.process().isAlive(),
                    "five frames of dm-ctl status --watch 0.2");
            assertTrue(watch.process().isAlive(), () -> "--watch keeps running: " + watch.stdout() + watch.stderr());
        } finally {
            watch.process().destroy();
        }
        watch.process().waitFor();
        String out = watch.stdout();
        String[] frames = out.split(Pattern.quote(CLEAR_SCREEN));
        assertTrue(frames.length - 1 >= 5, "frames: " + (frames.length - 1));
        for (int i = 1; i < frames.length; i++) {
            if (i < frames.length - 1 || frames[i].endsWith("\n")) { // the last one may have been cut by the kill
                PoolStatus frame = PoolStatus.parse(frames[i]);
                assertEquals(daemon.pid(), frame.supervisorPid(), "frame " + i);
                assertEquals(POOL_MAX, frame.busy(), "frame " + i);
            }
        }
    }

    /** A sample's value, which the text format writes as a floating-point number: 3.0 for 3. */
    private static long value(Map<String, String> samples, String series) {
        String value = samples.get(series);
        assertTrue(value != null, "no sample " + series + " in " + samples.keySet());
        double number = Double.parseDouble(value);
        assertEquals(Math.rint(number), number, series + " is a whole number");
        return (long) number;
    }

    private static long number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":(-?\\d+)[,}]").matcher(json);
        assertTrue(m.find(), "JSON field " + field + " in " + json);
        long value = Long.parseLong(m.group(1));
        assertTrue(!m.find(), "JSON field " + field + " once");
        return value;
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
    }

    /** A time shown to the second in local time is within a few seconds of {@code actual}. */
    private static void assertAbout(Instant actual, String shown, String what) {
        Instant parsed = LocalDateTime.parse(shown, TIME).atZone(ZoneId.systemDefault()).toInstant();
        long diff = Math.abs(Duration.between(actual, parsed).toMillis());
        assertTrue(diff <= 5_000, what + ": shown " + shown + ", actual " + actual);
    }
}
