package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dm.it.kit.Await;
import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.LoadGenerator;

/**
 * worker.threads 8 against 1, with the C load generator of shared/bench ({@link LoadGenerator}: built
 * into the test's temporary directory; -Ddm.bench.src=DIR if it is not at ../shared/bench beside the repository):
 * a burst of 60 clients each holding a 5-second conversation over pool.min = 8, and 64 persistent
 * clients for 5 s; and the PSS of the workers per connection slot. Prints the figures; asserts only
 * that every client of the burst was served with threads (with one JVM per connection some are not
 * within the 10 s, which is the point of the comparison). It runs only with -Ddm.benchmarks=true.
 */
@Isolated("a benchmark")
@ExtendWith(DmExtension.class)
class ThreadsBenchmarkIT {
    @TempDir
    Path dir;

    /** Five daemons of 8 workers or more one after another: more than the default 3 minutes on a loaded machine. */
    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void threadsServeTheBurstAndThePersistentClients(Daemons daemons) throws Exception {
        assumeTrue(Boolean.getBoolean("dm.benchmarks"), "a benchmark: runs with -Ddm.benchmarks=true");
        LoadGenerator loadgen = LoadGenerator.build(dir);
        // Both runs start their workers from one class archive (the shipped default), written first by a
        // pool of one, so that no run waits for it while 8 JVMs boot at once.
        try (DaemonUnderTest trainer = daemons.start(Files.createDirectories(dir.resolve("training")),
                settings(1, Map.of("pool.min", "1")))) {
            Await.until(Duration.ofSeconds(120), this::archiveWritten, "the class archive");
        }
        for (int threads : new int[] {8, 1}) {
            run(daemons, loadgen, threads);
        }
    }

    /** Each measurement on a fresh pool of pool.min workers, as an operator's pool meets a burst. */
    private void run(Daemons daemons, LoadGenerator loadgen, int threads) throws Exception {
        try (DaemonUnderTest daemon = daemons.start(Files.createDirectories(dir.resolve("burst-" + threads)),
                settings(threads, Map.of()))) {
            burst(daemon, loadgen, threads);
        }
        try (DaemonUnderTest daemon = daemons.start(Files.createDirectories(dir.resolve("persist-" + threads)),
                settings(threads, Map.of()))) {
            persist(daemon, loadgen, threads);
        }
    }

    /** pool.min 8, pool.max 64, the default policy; with threads, spares of one worker's threads and no shrinking. */
    private Map<String, String> settings(int threads, Map<String, String> overrides) {
        Map<String, String> properties = new HashMap<>();
        properties.put("pool.min", "8");
        properties.put("pool.max", "64");
        properties.put("worker.threads", "" + threads);
        properties.put("shutdown.timeout-ms", "1000");
        properties.put("supervisor.tick-ms", "200");
        properties.put("worker.class-archive", "true");
        properties.put("scoreboard.file", dir.resolve("dm.scoreboard").toString());
        if (threads > 1) {
            properties.put("pool.min-spare", "8");
            properties.put("pool.max-spare", "" + (64 * threads));
        }
        properties.putAll(overrides);
        return properties;
    }

    private void burst(DaemonUnderTest daemon, LoadGenerator loadgen, int threads) {
        daemon.awaitIdleWorkers(8, Duration.ofSeconds(90));
        String pid = Long.toString(daemon.pid());
        LoadGenerator.Result hold = loadgen.run("-m", "hold", "-c", "60", "-i", "500", "-T", "5", "-D", "10",
                "-p", "" + daemon.port(), "-P", pid);
        long workersAfterBurst = daemon.workerProcesses().size();
        long pss = workersPssKib(daemon);
        System.out.printf("ThreadsBenchmark: worker.threads=%d burst of 60 holding 5 s over pool.min 8: served %s/60"
                + " within 10 s, first echo p50 %s ms, p90 %s ms, max %s ms; %d workers after it, PSS %d MiB,"
                + " %.1f MiB per connection slot%n", threads, hold.get("served"), hold.get("wait_p50_ms"),
                hold.get("wait_p90_ms"), hold.get("wait_max_ms"), workersAfterBurst, pss / 1024,
                pss / 1024.0 / (workersAfterBurst * threads));
        if (threads > 1) { // one JVM per connection serves fewer within 10 s: that is the figure to print
            assertEquals("60", hold.get("served"), () -> "every client of the burst served: " + hold);
        }
    }

    private void persist(DaemonUnderTest daemon, LoadGenerator loadgen, int threads) {
        daemon.awaitIdleWorkers(8, Duration.ofSeconds(90));
        String pid = Long.toString(daemon.pid());
        LoadGenerator.Result persist = loadgen.run("-m", "persist", "-c", "64", "-d", "5", "-w", "1",
                "-p", "" + daemon.port(), "-P", pid);
        System.out.printf("ThreadsBenchmark: worker.threads=%d persistent, 64 clients, 5 s: %s round trips/s, p99 %s us,"
                + " starved %s, errors %s; %d workers%n", threads, persist.get("rt_per_s"), persist.get("p99_us"),
                persist.get("starved"), persist.get("errors"), daemon.workerProcesses().size());
    }

    /** The workers' proportional set size, from /proc/PID/smaps_rollup: shared pages (the class archive) split. */
    private static long workersPssKib(DaemonUnderTest daemon) {
        long total = 0;
        for (ProcessHandle worker : daemon.workerProcesses()) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(worker.pid()), "smaps_rollup"))) {
                    if (line.startsWith("Pss:")) {
                        total += Long.parseLong(line.replaceAll("\\D", ""));
                    }
                }
            } catch (IOException e) {
                // it has just left
            }
        }
        return total;
    }

    private boolean archiveWritten() {
        try (var files = Files.list(dir)) {
            return files.anyMatch(p -> p.getFileName().toString().matches("dm\\.scoreboard\\.worker-\\w+\\.jsa"));
        } catch (IOException e) {
            return false;
        }
    }
}
