package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

import dm.it.kit.AccessLogFile;
import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.Figures;
import dm.it.kit.LoadGenerator;
import dm.it.kit.Repo;

/**
 * Benchmark, not a timed test: what the access log (log.access-file) costs. Two daemons with the
 * shipped settings (pool.min 4, pool.max 16), one with the access log off and one with it on,
 * both kept up, driven by shared/bench's loadgen in turns (off, on, off, on ...) so that the
 * machine's other load hits both alike: short connections (one access log line each) at 1 and 8
 * clients, persistent round trips at 8 clients (one line per client). Prints conns/s, server CPU
 * per 10k and the on/off ratios, medians of 3 runs of 5 s. Runs only with -Ddm.benchmarks=true;
 * asserts only that the access log has a line for every short connection loadgen completed.
 */
@Isolated("a benchmark")
@ExtendWith(DmExtension.class)
class AccessLogBenchmarkIT {
    private static final int RUNS = 3;
    private static final int SECONDS = 5;
    private static final List<Row> ROWS = List.of(new Row("short", 1), new Row("short", 8), new Row("persist", 8));

    @TempDir
    Path dir;

    record Row(String mode, int clients) {
        String rateKey() {
            return mode.equals("short") ? "conns_per_s" : "rt_per_s";
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void theAccessLogOnAgainstOff(Daemons daemons) throws Exception {
        assumeTrue(Boolean.getBoolean("dm.benchmarks"), "a benchmark: runs with -Ddm.benchmarks=true");
        LoadGenerator loadgen = LoadGenerator.build(dir);
        String loadBefore = Figures.loadAverage();
        Path accessLog = dir.resolve("on/access.log");
        DaemonUnderTest off = start(daemons, "off", Map.of());
        DaemonUnderTest on = start(daemons, "on", Map.of("log.access-file", accessLog.toString()));
        for (DaemonUnderTest daemon : List.of(off, on)) { // warm-up, not measured
            loadgen.run("-m", "short", "-c", "8", "-d", "" + SECONDS, "-p", "" + daemon.port());
        }
        Map<Row, List<LoadGenerator.Result>> offResults = new LinkedHashMap<>();
        Map<Row, List<LoadGenerator.Result>> onResults = new LinkedHashMap<>();
        long shortCompleted = 0;
        int linesBefore = AccessLogFile.lines(accessLog).size();
        for (int run = 0; run < RUNS; run++) {
            for (Row row : ROWS) {
                offResults.computeIfAbsent(row, r -> new ArrayList<>()).add(measure(loadgen, off, row));
                LoadGenerator.Result result = measure(loadgen, on, row);
                onResults.computeIfAbsent(row, r -> new ArrayList<>()).add(result);
                if (row.mode().equals("short")) {
                    shortCompleted += (long) result.number("completed");
                }
            }
        }
        StringBuilder out = new StringBuilder(String.format("AccessLogBenchmark: %d runs of %d s per row, off and on"
                + " in turns, medians; 64-byte echo; pool.min 4, pool.max 16, worker.threads %s; load average %s (at the"
                + " start: %s)%n", RUNS, SECONDS, Repo.shippedSettings().get("worker.threads"), Figures.loadAverage(),
                loadBefore));
        out.append("| load | off: conns/s or round trips/s | on | on/off | off: CPU ms per 10k | on | on/off |\n");
        out.append("|---|---|---|---|---|---|---|\n");
        for (Row row : ROWS) {
            double offRate = median(offResults.get(row), row.rateKey());
            double onRate = median(onResults.get(row), row.rateKey());
            double offCpu = median(offResults.get(row), "srv_cpu_ms_per_10k");
            double onCpu = median(onResults.get(row), "srv_cpu_ms_per_10k");
            out.append(String.format("| %s, %d client(s) | %.0f | %.0f | %.2f | %.1f | %.1f | %.2f |%n", row.mode(),
                    row.clients(), offRate, onRate, onRate / offRate, offCpu, onCpu, onCpu / offCpu));
        }
        System.out.print(out);
        int lines = AccessLogFile.lines(accessLog).size() - linesBefore;
        assertTrue(lines >= shortCompleted, "an access log line per completed short connection: " + lines + " lines, "
                + shortCompleted + " completed");
        assertEquals(0, AccessLogFile.lines(dir.resolve("off/access.log")).size());
    }

    private DaemonUnderTest start(Daemons daemons, String name, Map<String, String> extra) throws Exception {
        Map<String, String> settings = Repo.shippedSettings();
        settings.put("server.port", "0");
        settings.put("pool.min", "4");
        settings.put("pool.max", "16");
        settings.put("scoreboard.file", dir.resolve(name + "/dm.scoreboard").toString());
        settings.put("shutdown.timeout-ms", "1000");
        settings.putAll(extra);
        DaemonUnderTest daemon = daemons.start(Files.createDirectories(dir.resolve(name)), settings);
        daemon.awaitIdleWorkers(4, Duration.ofSeconds(120));
        return daemon;
    }

    private static LoadGenerator.Result measure(LoadGenerator loadgen, DaemonUnderTest daemon, Row row) {
        return loadgen.run("-m", row.mode(), "-c", "" + row.clients(), "-d", "" + SECONDS, "-p", "" + daemon.port(),
                "-P", "" + daemon.pid());
    }

    private static double median(List<LoadGenerator.Result> results, String key) {
        return Figures.median(results.stream().map(r -> r.number(key)).toList());
    }
}
