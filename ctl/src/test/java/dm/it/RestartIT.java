package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dm.it.kit.Await;
import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.Echo;
import dm.it.kit.Exec;
import dm.it.kit.PoolStatus;
import dm.it.kit.Processes;

/** Requirement 3: dm-ctl -restart under continuous load replaces every worker with zero failed connections. */
@ExtendWith(DmExtension.class)
class RestartIT {
    static final int LOAD_THREADS = 3;

    @TempDir
    Path dir;

    @Test
    void restartUnderLoadReplacesEveryWorkerWithoutAFailedConnection(Daemons daemons) throws Exception {
        DaemonUnderTest daemon = daemons.start(dir, Map.of("pool.min", "3", "pool.max", "5"));
        PoolStatus before = daemon.awaitIdleWorkers(3, Duration.ofSeconds(30));
        Set<Long> pidsBefore = before.workerPids();

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger successes = new AtomicInteger();
        ConcurrentLinkedQueue<Long> successTimes = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> load = new ArrayList<>();
        for (int t = 0; t < LOAD_THREADS; t++) {
            Random random = new Random(t);
            Thread thread = new Thread(() -> {
                while (!stop.get()) {
                    try (Echo echo = new Echo(daemon.port(), 20_000)) {
                        echo.roundTrip(Echo.randomBytes(random, 1 + random.nextInt(4096)));
                        successTimes.add(System.nanoTime());
                        successes.incrementAndGet();
                    } catch (Exception e) {
                        failures.add(System.nanoTime() + " " + e);
                    }
                }
            }, "load-" + t);
            thread.start();
            load.add(thread);
        }
        try {
            int warm = 30;
            Await.until(Duration.ofSeconds(30), () -> successes.get() >= warm, warm + " echoes before the restart");

            long restartStart = System.nanoTime();
            Exec.Result restart = Exec.ctl(dir, daemon.config(), "-restart");
            long restartEnd = System.nanoTime();
            assertEquals(0, restart.exitCode(), () -> "dm-ctl -restart: " + restart);
            assertTrue(restart.stdout().contains("restart done"), () -> "dm-ctl -restart: " + restart);

            int afterRestart = successes.get();
            Await.until(Duration.ofSeconds(30), () -> successes.get() >= afterRestart + warm, "echoes after the restart");
            stop.set(true);
            for (Thread thread : load) {
                thread.join(TimeUnit.SECONDS.toMillis(30));
                assertFalse(thread.isAlive(), thread.getName() + " still running");
            }
            assertTrue(failures.isEmpty(), () -> failures.size() + " failed client connections: " + failures);

            // The largest gap between successful echoes while the restart went on, counting from the
            // last success before it began to the first after it ended.
            List<Long> times = new ArrayList<>(successTimes);
            times.sort(null);
            long gap = 0;
            int during = 0;
            for (int i = 1; i < times.size(); i++) {
                long previous = times.get(i - 1);
                long current = times.get(i);
                if (current >= restartStart && previous <= restartEnd) {
                    gap = Math.max(gap, current - previous);
                }
                if (current >= restartStart && current <= restartEnd) {
                    during++;
                }
            }
            System.out.printf("RestartIT: restart took %d ms; %d echoes during it, 0 failures; largest gap between "
                    + "successful echoes %.1f ms; %d echoes in all%n", TimeUnit.NANOSECONDS.toMillis(restartEnd - restartStart),
                    during, gap / 1e6, times.size());
            assertTrue(during > 0, "echoes were served during the restart");

            PoolStatus after = daemon.status();
            Set<Long> pidsAfter = after.workerPids();
            Set<Long> kept = new HashSet<>(pidsBefore);
            kept.retainAll(pidsAfter);
            assertTrue(kept.isEmpty(), () -> "workers not replaced: " + kept + "\n" + after.text());
            assertTrue(pidsAfter.size() >= 3, () -> "pool.min workers after the restart:\n" + after.text());
            assertEquals("normal", after.parentStatus(), "status after the restart");
            for (long pid : pidsBefore) {
                assertFalse(ProcessHandle.of(pid).map(Processes::running).orElse(false), "old worker " + pid + " gone");
                assertTrue(daemon.logContains("supervisor: worker " + pid + " \\(slot \\d+\\) exited: code 0$"),
                        "old worker " + pid + " left normally");
            }
        } finally {
            stop.set(true);
        }
    }
}
