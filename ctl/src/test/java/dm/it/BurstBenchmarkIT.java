package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

import dm.it.kit.Await;
import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.Echo;
import dm.it.kit.LogTimes;

/**
 * A burst of clients with long conversations against the one-at-a-time pool policy (one more worker
 * per second while all are busy) and dm's default one: how long each client waits for its first
 * echo. Prints the figures and checks that every client was served. On a 2-core machine starting some
 * 40 worker JVMs at once is CPU-bound (seen: default/one-at-a-time longest wait 0.57 with the class
 * archive, 0.7-0.9 without it, worse on a machine loaded by other builds), so the claim that the
 * default policy's worst wait is less than half the one-at-a-time policy's is asserted only with
 * {@code -Ddm.benchmark.assert=true}.
 */
@Isolated("a benchmark")
@ExtendWith(DmExtension.class)
class BurstBenchmarkIT {
    static final int CLIENTS = 60;
    static final int POOL_MIN = 8;
    static final int POOL_MAX = 64;
    /** Each conversation: the first message, then one a second, then close, 5 s after the first echo. */
    static final int CONVERSATION_SECONDS = 5;

    record Figures(String policy, long medianMillis, long p90Millis, long maxMillis, long totalMillis, int mostWorkers,
            long medianBootMillis) {
        String line() {
            return String.format("BurstBenchmark: %s first-echo wait median %d ms, p90 %d ms, max %d ms"
                    + " (%d clients, burst done in %d ms, most workers %d, median worker boot %d ms)", policy, medianMillis,
                    p90Millis, maxMillis, CLIENTS, totalMillis, mostWorkers, medianBootMillis);
        }
    }

    @TempDir
    Path dir;

    @Test
    void defaultPolicyServesABurstFasterThanOneAtATime(Daemons daemons) throws Exception {
        // Figures once per CI run are enough: .ci/run skips it on its second JDK.
        assumeTrue(Boolean.getBoolean("dm.benchmarks"), "a benchmark: runs with -Ddm.benchmarks=true");
        Figures oneAtATime = run(daemons, "one-at-a-time policy", "one-at-a-time", Map.of("pool.min-spare", "1",
                "pool.max-spare", "" + POOL_MAX, "pool.max-spawn-rate", "1", "supervisor.tick-ms", "1000"));
        Figures defaultPolicy = run(daemons, "default policy", "default", Map.of("supervisor.tick-ms", "200"));
        System.out.println(oneAtATime.line());
        System.out.println(defaultPolicy.line());
        System.out.printf("BurstBenchmark: default/one-at-a-time longest wait %.2f, median %.2f%n",
                (double) defaultPolicy.maxMillis() / oneAtATime.maxMillis(),
                (double) defaultPolicy.medianMillis() / oneAtATime.medianMillis());
        // On a shared 2-core machine worker boots are CPU-bound (1-8 s each under load), so the claim is only
        // asserted on request: -Ddm.benchmark.assert=true.
        if (Boolean.getBoolean("dm.benchmark.assert")) {
            assertTrue(defaultPolicy.maxMillis() * 2 < oneAtATime.maxMillis(), "the default policy's longest wait ("
                    + defaultPolicy.maxMillis() + " ms) should be less than half the one-at-a-time policy's ("
                    + oneAtATime.maxMillis() + " ms)");
        }
    }

    private Figures run(Daemons daemons, String policy, String name, Map<String, String> overrides) throws Exception {
        Path runDir = Files.createDirectories(dir.resolve(name));
        Map<String, String> properties = new java.util.HashMap<>(overrides);
        properties.put("pool.min", "" + POOL_MIN);
        properties.put("pool.max", "" + POOL_MAX);
        properties.put("shutdown.timeout-ms", "1000");
        // Both runs start workers from one class archive (the shipped default), which the first run writes.
        properties.put("worker.class-archive", "true");
        properties.put("scoreboard.file", dir.resolve("dm.scoreboard").toString());
        try (DaemonUnderTest daemon = daemons.start(runDir, properties)) {
            Await.until(Duration.ofSeconds(60), () -> archiveWritten(), "the class archive");
            daemon.awaitIdleWorkers(POOL_MIN, Duration.ofSeconds(30));

            CountDownLatch go = new CountDownLatch(1);
            ConcurrentLinkedQueue<Long> waits = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                Random random = new Random(c);
                int client = c;
                Thread thread = new Thread(() -> {
                    try {
                        go.await();
                        long start = System.nanoTime();
                        try (Echo echo = new Echo(daemon.port(), 90_000)) {
                            echo.roundTrip(Echo.randomBytes(random, 64));
                            waits.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                            for (int s = 1; s < CONVERSATION_SECONDS; s++) {
                                Thread.sleep(1000);
                                echo.roundTrip(Echo.randomBytes(random, 64));
                            }
                            Thread.sleep(1000);
                        }
                    } catch (Throwable e) {
                        failures.add("client " + client + ": " + e);
                    }
                }, name + "-client-" + c);
                thread.setDaemon(true);
                thread.start();
                clients.add(thread);
            }
            long start = System.nanoTime();
            go.countDown();
            for (Thread thread : clients) {
                thread.join(TimeUnit.SECONDS.toMillis(120));
                assertTrue(!thread.isAlive(), thread.getName() + " still running");
            }
            long total = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(failures.isEmpty(), () -> policy + ": " + failures.size() + " clients failed: " + failures);
            assertEquals(CLIENTS, waits.size(), "clients that got their first echo");

            int live = 0;
            int most = 0;
            for (DaemonUnderTest.WorkerEvent event : daemon.workerEvents()) {
                live += event.started() ? 1 : -1;
                most = Math.max(most, live);
            }
            List<Long> sorted = new ArrayList<>(waits);
            Collections.sort(sorted);
            // How long worker JVMs took from their start to accepting: CPU-bound on a busy 2-core machine.
            List<Long> boots = new ArrayList<>();
            LogTimes.find(daemon.logLines(), ": accepting connections \\((\\d+) ms after it was spawned\\)$")
                    .forEach(h -> boots.add(Long.parseLong(h.group(1))));
            Collections.sort(boots);
            return new Figures(policy, percentile(sorted, 50), percentile(sorted, 90), sorted.get(sorted.size() - 1), total,
                    most, boots.isEmpty() ? -1 : percentile(boots, 50));
        }
    }

    private boolean archiveWritten() {
        try (var files = Files.list(dir)) {
            return files.anyMatch(p -> p.getFileName().toString().matches("dm\\.scoreboard\\.worker-\\w+\\.(jsa|aot)"));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Nearest-rank percentile of a sorted list. */
    static long percentile(List<Long> sorted, int percent) {
        int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }
}
