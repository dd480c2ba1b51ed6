package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

import dm.it.kit.Await;
import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.Echo;
import dm.it.kit.Exec;
import dm.it.kit.PoolStatus;

/**
 * pool.saturated-threads with the real supervisor, workers and dm-ctl, on a CPU that this test
 * saturates itself (a spinning thread per core and one more): the pool lets only the first threads
 * of the oldest worker take new connections, and held connections that would otherwise wait in
 * the listen queue bring the others back. Isolated: it takes the whole machine for a few seconds.
 */
@Isolated("saturates the CPU")
@ExtendWith(DmExtension.class)
class SaturatedCpuIT {
    private static final String LIMITED = "since the CPU was saturated 2 take new connections, the idle others stand by";

    @TempDir
    Path dir;

    @Test
    void aSaturatedCpuLeavesTwoThreadsAndHeldClientsInTheQueueBringTheOthersBack(Daemons daemons) throws Exception {
        DaemonUnderTest daemon = daemons.start(dir, Map.of("pool.min", "2", "pool.max", "2", "worker.threads", "4",
                "pool.saturated-threads", "2", "pool.min-spare", "0", "pool.max-spare", "8", "pool.shrink-delay-ms", "1000"));
        daemon.awaitIdleWorkers(2, Duration.ofSeconds(60));
        List<Echo> held = new ArrayList<>();
        try (Spinners spinners = Spinners.start(Runtime.getRuntime().availableProcessors() + 1)) {
            PoolStatus limited = Await.value(Duration.ofSeconds(30), () -> {
                PoolStatus status = daemon.status();
                return status.text().contains(LIMITED) ? java.util.Optional.of(status) : java.util.Optional.empty();
            }, "dm-ctl status saying: " + LIMITED);
            assertEquals(8, limited.idleThreads(), () -> "standing-by threads count as idle:\n" + limited.text());
            String metrics = Exec.ctl(dir, daemon.config(), "metrics").stdout();
            assertTrue(metrics.contains("\ndm_accepting_threads 2.0\n"), () -> "dm-ctl metrics:\n" + metrics);

            Random random = new Random(7);
            for (int i = 0; i < 2; i++) {
                Echo client = new Echo(daemon.port(), 30_000);
                client.roundTrip(Echo.randomBytes(random, 64));
                held.add(client);
            }
            DaemonUnderTest.Serving first = daemon.awaitServing(held.get(0).localPort(), Duration.ofSeconds(10));
            DaemonUnderTest.Serving second = daemon.awaitServing(held.get(1).localPort(), Duration.ofSeconds(10));
            assertEquals(first.pid(), second.pid(), "both on one worker: " + first + ", " + second);
            assertTrue(first.thread() < 2 && second.thread() < 2, () -> "on its threads 0 and 1: " + first + ", " + second);

            // Four more, held too: the limit is now 4 (2 held + 2), and the 2 beyond it wait in the listen
            // queue until the supervisor sees that no accept drains it (or that the others are held).
            long queuedAt = System.nanoTime();
            for (int i = 0; i < 4; i++) {
                Echo client = new Echo(daemon.port(), 30_000);
                client.roundTrip(Echo.randomBytes(random, 64));
                held.add(client);
            }
            System.out.printf("SaturatedCpuIT: 2 of 8 threads took connections on the saturated CPU; 4 more held"
                    + " clients all answered %d ms after the first connected (supervisor.tick-ms 50)%n",
                    (System.nanoTime() - queuedAt) / 1_000_000);
            PoolStatus all = daemon.status();
            assertEquals(6, all.busyThreads(), () -> "6 held connections served:\n" + all.text());
        } finally {
            for (Echo client : held) {
                client.close();
            }
        }
        // Once a second: each dm-ctl is a JVM start, and back to back they would keep the CPU busy themselves.
        PoolStatus free = Await.value(Duration.ofSeconds(60), () -> {
            pause(1_000);
            PoolStatus status = daemon.status();
            return !status.text().contains("CPU was saturated") && status.busyThreads() == 0
                    ? java.util.Optional.of(status) : java.util.Optional.empty();
        }, "no limit once the CPU has had room with nothing busy for pool.shrink-delay-ms");
        assertEquals(8, free.idleThreads(), free::text);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Threads that spin until closed: the machine's CPU saturated, as the supervisor reads it in /proc/stat. */
    private static final class Spinners implements AutoCloseable {
        private volatile boolean spinning = true;
        private final List<Thread> threads = new ArrayList<>();

        static Spinners start(int count) {
            Spinners spinners = new Spinners();
            for (int i = 0; i < count; i++) {
                Thread thread = new Thread(() -> {
                    long x = 0;
                    while (spinners.spinning) {
                        x += System.nanoTime() & 1;
                    }
                    if (x == 42) {
                        System.out.print("");
                    }
                }, "spinner-" + i);
                thread.setDaemon(true);
                thread.start();
                spinners.threads.add(thread);
            }
            return spinners;
        }

        @Override
        public void close() throws InterruptedException {
            spinning = false;
            for (Thread thread : threads) {
                thread.join(10_000);
            }
        }
    }
}
