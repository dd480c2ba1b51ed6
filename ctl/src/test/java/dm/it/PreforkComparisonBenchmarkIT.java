package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

import dm.it.kit.Await;
import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.Exec;
import dm.it.kit.Figures;
import dm.it.kit.LoadGenerator;
import dm.it.kit.Ports;
import dm.it.kit.Processes;
import dm.it.kit.Repo;

/**
 * dm beside the C prefork reference of shared/bench, in one run, the same load generator driving
 * both ({@link LoadGenerator}: loadgen, 64-byte echo, the CPU of each server's whole process tree
 * over the load window with {@code -P}). Each server is started once and kept up, warmed, and then
 * the rows run interleaved, dm then C, so that the other helpers' load hits both alike: short
 * connections at 1, 8 and 64 clients, persistent round trips at 8 and 64 clients. It prints a table
 * of both figures and their ratios (dm / C), medians of the runs.
 * <ul>
 * <li>dm: conf/server.properties as shipped (worker.threads 8, so that 8 workers hold 64 persistent
 * clients; the class archive; supervisor.tick-ms 200), with pool.min 8 and pool.max 64.
 * <li>C: {@code prefork_ref PORT 8 8 128}: 8 children blocking in accept(), a pool that does not
 * grow (MIN = MAX = 8), backlog 128 as dm's server.backlog. One process per connection: at 64
 * persistent clients 56 of them wait, which the table shows as starved.
 * </ul>
 * With -Ddm.benchmarks=true the full form: 3 runs of 5 s per row. Without, CI's short form: 1 run
 * of 1 s per row, the same table. It asserts nothing about speed: only that loadgen ran and
 * reported a result for every row, and that dm starved no persistent client. Skipped, with the
 * reason, without ../shared/bench (or -Ddm.bench.src=DIR).
 */
@Isolated("a benchmark")
@ExtendWith(DmExtension.class)
class PreforkComparisonBenchmarkIT {
    private static final int C_CHILDREN = 8;
    private static final int BACKLOG = 128;
    private static final List<Row> ROWS = List.of(new Row("short", 1), new Row("short", 8), new Row("short", 64),
            new Row("persist", 8), new Row("persist", 64));

    @TempDir
    Path dir;

    /** One line of the table: loadgen's mode and its clients. */
    record Row(String mode, int clients) {
        String label() {
            return (mode.equals("short") ? "short, " : "persistent, ") + clients + (clients == 1 ? " client" : " clients");
        }

        String rateKey() {
            return mode.equals("short") ? "conns_per_s" : "rt_per_s";
        }
    }

    /** A server under load: a name for the table, its port, and the pid whose process tree loadgen charges. */
    record Server(String name, int port, long pid) {
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void dmBesideTheCPreforkReference(Daemons daemons) throws Exception {
        boolean full = Boolean.getBoolean("dm.benchmarks");
        int runs = full ? 3 : 1;
        int seconds = full ? 5 : 1;
        LoadGenerator loadgen = LoadGenerator.build(dir);
        String loadBefore = Figures.loadAverage();
        Reference reference = startReference(loadgen);
        try {
            Map<String, String> settings = dmSettings();
            DaemonUnderTest daemon = daemons.start(Files.createDirectories(dir.resolve("dm")), settings);
            daemon.awaitIdleWorkers(8, Duration.ofSeconds(120)); // the class archive written, the trainer replaced
            Server dm = new Server("dm", daemon.port(), daemon.pid());
            Server c = new Server("C prefork", reference.port(), reference.process().pid());
            for (Server server : List.of(dm, c)) { // warm-up, not measured: the JIT, the pool at its size for 64
                loadgen.run("-m", "short", "-c", "64", "-d", "" + seconds, "-p", "" + server.port());
                loadgen.run("-m", "persist", "-c", "64", "-d", "" + seconds, "-p", "" + server.port());
            }
            Map<Row, List<LoadGenerator.Result>> dmResults = new LinkedHashMap<>();
            Map<Row, List<LoadGenerator.Result>> cResults = new LinkedHashMap<>();
            for (int run = 0; run < runs; run++) {
                for (Row row : ROWS) {
                    dmResults.computeIfAbsent(row, r -> new ArrayList<>()).add(measure(loadgen, dm, row, seconds));
                    cResults.computeIfAbsent(row, r -> new ArrayList<>()).add(measure(loadgen, c, row, seconds));
                }
            }
            System.out.print(table(settings, runs, seconds, loadBefore, dmResults, cResults,
                    daemon.workerProcesses().size()));
            for (Row row : ROWS) {
                for (LoadGenerator.Result result : dmResults.get(row)) {
                    assertTrue(result.number(row.rateKey()) >= 0, result::line);
                    if (row.mode().equals("persist")) {
                        assertEquals("0", result.get("starved"), () -> "dm starved persistent clients: " + result.line());
                    }
                }
            }
        } finally {
            stopReference(reference.process());
        }
    }

    /** The C prefork reference that runs, and its port. */
    record Reference(Process process, int port) {
    }

    /** prefork_ref on a free port; returns once its 8 children are forked (they block in accept() at once). */
    private Reference startReference(LoadGenerator loadgen) throws IOException {
        int port = Ports.free();
        Path referenceDir = Files.createDirectories(dir.resolve("prefork_ref"));
        Exec.Running running = Exec.start(referenceDir, List.of(loadgen.program("prefork_ref").toString(),
                "" + port, "" + C_CHILDREN, "" + C_CHILDREN, "" + BACKLOG));
        Process process = running.process();
        Await.until(Duration.ofSeconds(10), () -> process.children().count() >= C_CHILDREN || !process.isAlive(),
                "prefork_ref's " + C_CHILDREN + " children");
        assertTrue(process.isAlive(), () -> "prefork_ref exited: " + running.stderr());
        return new Reference(process, port);
    }

    /** SIGTERM (it kills its children and waits for them), then SIGKILL to whatever of its tree is left. */
    private static void stopReference(Process reference) {
        List<ProcessHandle> tree = new ArrayList<>();
        reference.toHandle().descendants().forEach(tree::add);
        tree.add(reference.toHandle());
        reference.destroy();
        try {
            reference.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Processes.killAll(tree.stream().filter(Processes::running).toList());
    }

    /** conf/server.properties as shipped, with pool.min 8, pool.max 64 and the test's port and scoreboard. */
    private Map<String, String> dmSettings() {
        Map<String, String> settings = Repo.shippedSettings();
        settings.put("server.port", "0");
        settings.put("server.backlog", "" + BACKLOG);
        settings.put("pool.min", "8");
        settings.put("pool.max", "64");
        settings.put("scoreboard.file", dir.resolve("dm/dm.scoreboard").toString());
        settings.put("shutdown.timeout-ms", "1000"); // the kit kills it anyway
        return settings;
    }

    private static LoadGenerator.Result measure(LoadGenerator loadgen, Server server, Row row, int seconds) {
        return loadgen.run("-m", row.mode(), "-c", "" + row.clients(), "-d", "" + seconds, "-p", "" + server.port(),
                "-P", "" + server.pid());
    }

    private static String table(Map<String, String> settings, int runs, int seconds, String loadBefore,
            Map<Row, List<LoadGenerator.Result>> dm, Map<Row, List<LoadGenerator.Result>> c, int dmWorkers)
            throws IOException {
        StringBuilder out = new StringBuilder();
        out.append(String.format("PreforkComparisonBenchmark: %s form, %d run(s) of %d s per row, dm and C interleaved,"
                + " medians; 64-byte echo; load average %s (at the start: %s)%n", runs > 1 ? "full" : "short", runs, seconds,
                Figures.loadAverage(), loadBefore));
        out.append(String.format("  dm: pool.min %s, pool.max %s, worker.threads %s, pool.min-spare %s, pool.max-spare %s,"
                + " worker.class-archive %s, supervisor.tick-ms %s, worker.jvm-options %s (conf/server.properties"
                + " otherwise); %d workers at the end%n", settings.get("pool.min"), settings.get("pool.max"),
                settings.get("worker.threads"), settings.get("pool.min-spare"), settings.get("pool.max-spare"),
                settings.get("worker.class-archive"), settings.get("supervisor.tick-ms"),
                settings.get("worker.jvm-options"), dmWorkers));
        out.append(String.format("  C prefork: prefork_ref, %d children blocking in accept(), MIN = MAX = %d, backlog %d%n",
                C_CHILDREN, C_CHILDREN, BACKLOG));
        out.append("| load | dm conns/s or round trips/s | C prefork | dm/C | dm CPU ms per 10k | C prefork CPU ms per 10k"
                + " | dm/C | dm errors, starved | C errors, starved |\n");
        out.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Row row : ROWS) {
            double dmRate = median(dm.get(row), r -> r.number(row.rateKey()));
            double cRate = median(c.get(row), r -> r.number(row.rateKey()));
            double dmCpu = median(dm.get(row), r -> r.number("srv_cpu_ms_per_10k"));
            double cCpu = median(c.get(row), r -> r.number("srv_cpu_ms_per_10k"));
            out.append(String.format("| %s | %.0f | %.0f | %.2f | %.1f | %.1f | %.2f | %s | %s |%n", row.label(), dmRate,
                    cRate, dmRate / cRate, dmCpu, cCpu, dmCpu / cCpu, problems(dm.get(row)), problems(c.get(row))));
        }
        return out.toString();
    }

    /** Errors and starved clients of each run, as loadgen counted them ("-" for short connections, which cannot starve). */
    private static String problems(List<LoadGenerator.Result> results) {
        List<String> each = new ArrayList<>();
        for (LoadGenerator.Result result : results) {
            String starved = result.get("starved");
            each.add(result.get("errors") + ", " + (starved == null ? "-" : starved));
        }
        return String.join("; ", each);
    }

    private static double median(List<LoadGenerator.Result> results, Function<LoadGenerator.Result, Double> figure) {
        return Figures.median(results.stream().map(figure).toList());
    }
}
