package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dm.it.kit.Await;
import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.EchoLoad;
import dm.it.kit.Exec;
import dm.it.kit.Processes;

/**
 * Issue 12, item 3: the supervisor's Prometheus endpoint (metrics.listen), scraped for real under a
 * little load: Prometheus' own linter (promtool check metrics, Debian's prometheus package) finds
 * nothing; counters end in _total, no series has a pid, no value is a -1 standing for "unknown";
 * the request and boot histograms fill; a worker killed by a signal is counted under its cause; the
 * workers' command lines carry no Prometheus jar; dm-ctl metrics shows the same series, and dm_up 0
 * (exit code 0) once the daemon is gone.
 */
@ExtendWith(DmExtension.class)
class MetricsIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern TYPE = Pattern.compile("^# TYPE (\\S+) (counter|gauge|histogram)$", Pattern.MULTILINE);
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)$");

    @TempDir
    Path dir;

    @Test
    void prometheusScrapesThePoolUnderLoadAndPromtoolFindsNothingToSay(Daemons daemons) throws Exception {
        // Port 0: the kernel picks one, the log says which (no race with a test beside this one).
        // Two threads per worker: each thread adds its connections to its own record's histogram.
        DaemonUnderTest daemon = daemons.start(dir, Map.of("pool.min", "2", "pool.max", "3", "worker.threads", "2",
                "metrics.listen", "127.0.0.1:0"));
        int metricsPort = Integer.parseInt(daemon.waitForLog("supervisor: metrics on http://127\\.0\\.0\\.1:(\\d+)/metrics",
                TIMEOUT).group(1));
        daemon.awaitIdleWorkers(2, TIMEOUT);

        String scrape;
        try (EchoLoad load = new EchoLoad(daemon.port(), 3, 5_000)) {
            Await.until(TIMEOUT, () -> load.successes() >= 300, "300 echo connections");
            scrape = get(metricsPort, "/metrics");
            assertEquals(List.of(), load.failures(), "no connection failed");
        }
        Path file = dir.resolve("scrape.prom");
        Files.writeString(file, scrape);
        System.out.println("MetricsIT: one scrape under load:\n" + scrape);
        checkConventions(scrape);
        Map<String, Double> samples = samples(scrape);
        assertEquals(1.0, samples.get("dm_up"));
        assertTrue(samples.get("dm_accepted_connections_total") >= 300, "accepted: " + samples);
        assertTrue(samples.get("dm_request_duration_seconds_count") >= 300, "connections timed: " + samples);
        assertTrue(samples.get("dm_worker_boot_duration_seconds_count") >= 2, "boots timed: " + samples);
        assertEquals(2.0, samples.get("dm_threads_per_worker"));
        assertEquals(2.0, samples.get("dm_pool_min_workers"));
        assertEquals(3.0, samples.get("dm_pool_max_workers"));
        assertEquals(128.0, samples.get("dm_listen_backlog"));
        assertTrue(samples.containsKey("dm_listen_queue"), "the queue now: " + samples);
        promtool(file);

        for (ProcessHandle worker : daemon.workerProcesses()) {
            String commandLine = Processes.commandLine(worker);
            assertTrue(commandLine.contains("dm.worker.WorkerMain"), commandLine);
            assertFalse(commandLine.contains("prometheus"), "the library is the supervisor's only: " + commandLine);
        }

        ProcessHandle victim = daemon.workerProcesses().get(0);
        victim.destroyForcibly();
        Await.until(TIMEOUT, () -> samples(scrape(metricsPort)).getOrDefault(
                "dm_worker_exits_total{cause=\"signal\"}", 0.0) == 1.0, "the kill -9 counted under cause signal");

        Exec.Result ctl = Exec.ctl(dir, daemon.config(), "metrics");
        assertEquals(0, ctl.exitCode(), () -> "dm-ctl metrics: " + ctl);
        checkConventions(ctl.stdout());
        assertEquals(families(get(metricsPort, "/metrics")), families(ctl.stdout()), "dm-ctl metrics: the same series");

        Exec.Result down = Exec.ctl(dir, daemon.config(), "-wdown");
        assertEquals(0, down.exitCode(), () -> "-wdown: " + down);
        assertEquals(0, daemon.awaitExit(TIMEOUT));
        assertThrows(ConnectException.class, () -> get(metricsPort, "/metrics"), "the endpoint goes with the daemon");
        Exec.Result gone = Exec.ctl(dir, daemon.config(), "metrics");
        assertEquals(0, gone.exitCode(), () -> "dm-ctl metrics with no daemon: " + gone);
        assertEquals("", gone.stderr());
        Map<String, Double> left = samples(gone.stdout());
        assertEquals(0.0, left.get("dm_up"), gone.stdout());
        assertEquals(Set.of("dm_up", "dm_build_info"), left.keySet().stream().map(k -> k.replaceFirst("\\{.*", ""))
                .collect(Collectors.toSet()), "nothing else is known: " + gone.stdout());
    }

    /** Counters end in _total, histograms have their +Inf bucket equal to their count, no pid, no negative value. */
    private static void checkConventions(String text) {
        Map<String, String> types = new TreeMap<>();
        Matcher type = TYPE.matcher(text);
        while (type.find()) {
            types.put(type.group(1), type.group(2));
        }
        assertFalse(types.isEmpty(), text);
        types.forEach((name, kind) -> {
            assertTrue(name.startsWith("dm_"), name);
            assertEquals(kind.equals("counter"), name.endsWith("_total"), "only counters end in _total: " + name);
        });
        assertFalse(text.contains("pid"), "no pid: " + text);
        Map<String, Double> samples = samples(text);
        samples.forEach((series, value) -> assertTrue(value >= 0, "no negative value: " + series + " " + value));
        types.forEach((name, kind) -> {
            if (kind.equals("histogram")) {
                assertEquals(samples.get(name + "_count"), samples.get(name + "_bucket{le=\"+Inf\"}"), name);
            }
        });
    }

    private static Map<String, Double> samples(String text) {
        Map<String, Double> samples = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertTrue(m.matches(), "a sample 'name{labels} value': '" + line + "'");
            samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
        }
        return samples;
    }

    private static Set<String> families(String text) {
        Set<String> names = new TreeSet<>();
        Matcher type = TYPE.matcher(text);
        while (type.find()) {
            names.add(type.group(1));
        }
        return names;
    }

    private static String scrape(int port) {
        try {
            return get(port, "/metrics");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String get(int port, String path) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) new URL("http://127.0.0.1:" + port + path).openConnection();
        connection.setConnectTimeout(2_000);
        connection.setReadTimeout(5_000);
        assertEquals(200, connection.getResponseCode());
        try (InputStream in = connection.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** promtool check metrics reads the exposition on stdin and says nothing (exit 0) when it has no complaint. */
    private void promtool(Path file) throws IOException {
        Optional<Path> promtool = Stream.of("/usr/bin/promtool", "/usr/local/bin/promtool").map(Path::of)
                .filter(Files::isExecutable).findFirst();
        if (promtool.isEmpty()) {
            System.out.println("MetricsIT: promtool not installed (Debian's prometheus package, see"
                    + " .ci/install-service-deps): lint check skipped");
            return;
        }
        Exec.Result lint = Exec.run(dir, Duration.ofSeconds(30),
                List.of("sh", "-c", "\"$0\" check metrics < \"$1\"", promtool.get().toString(), file.toString()));
        System.out.println("MetricsIT: " + promtool.get() + " check metrics: exit " + lint.exitCode() + ", output: '"
                + lint.output().strip() + "'");
        assertEquals(0, lint.exitCode(), () -> "promtool check metrics: " + lint);
        assertEquals("", lint.output().strip(), "promtool has nothing to say");
    }
}
