package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dm.it.kit.Await;
import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.Echo;
import dm.it.kit.PoolStatus;

/** Requirement 1: byte-exact echo for more clients than pool.min; the pool grows, never beyond pool.max. */
@ExtendWith(DmExtension.class)
class EchoPoolIT {
    static final int POOL_MIN = 2;
    static final int POOL_MAX = 4;
    static final int CLIENTS = 6;
    /** Sizes of the messages after the first, including several above 64 KiB. */
    static final int[] SIZES = {1, 100, 8191, 8193, 65_537, 200_000, 3, 70_000};

    @TempDir
    Path dir;

    @Test
    void echoIsByteExactAndThePoolGrowsUpToPoolMaxOnly(Daemons daemons) throws Exception {
        // The one-at-a-time growth policy: one more worker per tick, only while every worker is busy.
        DaemonUnderTest daemon = daemons.start(dir, Map.of("pool.min", "" + POOL_MIN, "pool.max", "" + POOL_MAX,
                "pool.min-spare", "1", "pool.max-spare", "" + POOL_MAX, "pool.max-spawn-rate", "1"));
        long seed = System.nanoTime();
        System.out.println("EchoPoolIT: random seed " + seed);

        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger servedFirst = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            Random random = new Random(seed + c);
            int client = c;
            Thread thread = new Thread(() -> {
                try (Echo echo = new Echo(daemon.port(), 60_000)) {
                    echo.roundTrip(Echo.randomBytes(random, 1000 + client));
                    servedFirst.incrementAndGet();
                    if (!gate.await(60, TimeUnit.SECONDS)) {
                        throw new AssertionError("gate never opened");
                    }
                    for (int size : SIZES) {
                        echo.roundTrip(Echo.randomBytes(random, size));
                    }
                    finished.incrementAndGet();
                } catch (Throwable e) {
                    failures.add("client " + client + ": " + e);
                }
            }, "client-" + c);
            thread.start();
            clients.add(thread);
        }

        // Every conversation stays open: the pool must grow to pool.max, one worker per tick while all are busy.
        Await.until(Duration.ofSeconds(40), () -> servedFirst.get() == POOL_MAX || !failures.isEmpty(),
                POOL_MAX + " clients served at once");
        assertTrue(failures.isEmpty(), () -> "failures: " + failures);
        assertTrue(daemon.logContains(Pattern.quote("(2 of 2 busy): starting 1")), "growth from 2 logged");
        assertTrue(daemon.logContains(Pattern.quote("(3 of 3 busy): starting 1")), "growth from 3 logged");

        // Saturated: 4 busy workers, 2 clients waiting in the accept queue, and no fifth worker.
        PoolStatus status = daemon.status();
        System.out.println("EchoPoolIT: status at saturation:\n" + status.text());
        assertEquals(POOL_MAX, status.workerPids().size(), "live worker pids at saturation");
        assertEquals(POOL_MAX, status.count("busy"), "busy workers at saturation");
        assertEquals(POOL_MAX, servedFirst.get(), "clients beyond pool.max must wait, not be served");
        assertEquals(POOL_MAX, daemon.workerProcesses().size(), "worker JVMs that are children of the supervisor");

        gate.countDown();
        for (Thread thread : clients) {
            thread.join(TimeUnit.SECONDS.toMillis(90));
            assertFalse(thread.isAlive(), thread.getName() + " still running");
        }
        assertTrue(failures.isEmpty(), () -> "failures: " + failures);
        assertEquals(CLIENTS, finished.get(), "clients with a byte-exact conversation");

        // Over the whole run, by the log: started minus exited never above pool.max, and it reached it.
        int live = 0;
        int most = 0;
        for (DaemonUnderTest.WorkerEvent event : daemon.workerEvents()) {
            live += event.started() ? 1 : -1;
            most = Math.max(most, live);
        }
        assertEquals(POOL_MAX, most, "most workers alive at once, by the log");
        assertFalse(daemon.logContains(Pattern.quote("(" + POOL_MAX + " of " + POOL_MAX + " busy): starting")),
                "no attempt to grow beyond pool.max");
        assertTrue(daemon.logContains("pool.max " + POOL_MAX + " reached: all workers busy"), "saturation logged");
        PoolStatus after = daemon.status();
        assertTrue(after.workerPids().size() <= POOL_MAX, () -> "live workers after: " + after.text());
    }
}
