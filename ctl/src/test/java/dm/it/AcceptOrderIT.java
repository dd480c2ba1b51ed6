package dm.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dm.it.kit.Await;
import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.Echo;
import dm.it.kit.PoolStatus;

/**
 * Which thread of which worker gets a connection: the first idle thread of the oldest worker
 * (AcceptWait's epoll order), not the one that has waited longest, as with threads blocked in
 * accept(), which would spread one client over every worker. One client at a time is served by one
 * worker alone; while both threads of that worker are held, by one other worker alone. Before each
 * connection the test waits until every thread that is to be idle sleeps in epoll_wait (its wchan in
 * /proc): a thread still on its way back from the last connection is not idle, and the next
 * connection would rightly go to another.
 */
@ExtendWith(DmExtension.class)
class AcceptOrderIT {
    private static final int WORKERS = 4;
    private static final int THREADS = 2;
    private static final byte[] MESSAGE = "in order\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    @Test
    void oneClientAtATimeStaysOnOneWorkerAndSpillsToOneOtherWhenItsThreadsAreHeld(Daemons daemons) throws Exception {
        DaemonUnderTest daemon = daemons.start(dir, Map.of("pool.min", "" + WORKERS, "pool.max", "" + WORKERS,
                "worker.threads", "" + THREADS, "pool.min-spare", "0", "pool.max-spare", "" + WORKERS * THREADS));
        daemon.awaitIdleWorkers(WORKERS, Duration.ofSeconds(60));

        Map<Integer, Long> served = servedOneAtATime(daemon, 200, -1);
        assertEquals(1, served.size(), () -> "workers that served 200 connections made one at a time: " + served);
        int first = served.keySet().iterator().next();
        assertEquals(200L, served.get(first), () -> "connections served by worker " + first + ": " + served);

        try (Echo held1 = new Echo(daemon.port()); Echo held2 = new Echo(daemon.port())) {
            assertArrayEquals(MESSAGE, held1.exchange(MESSAGE));
            assertArrayEquals(MESSAGE, held2.exchange(MESSAGE));
            Await.until(Duration.ofSeconds(10), () -> daemon.status().row(first).busyThreads() == THREADS,
                    "both threads of worker " + first + " busy with the held clients");
            Map<Integer, Long> spilled = servedOneAtATime(daemon, 100, first);
            assertEquals(1, spilled.size(), () -> "workers that served 100 connections while " + first + " was full: "
                    + spilled);
            int next = spilled.keySet().iterator().next();
            assertEquals(100L, spilled.get(next), () -> "connections served by worker " + next + ": " + spilled);
            assertEquals(false, next == first, "the spill went to another worker than the full one");
            System.out.printf("AcceptOrderIT: 200 connections one at a time, all by slot %d; with its %d threads held,"
                    + " 100 more, all by slot %d%n", first, THREADS, next);
        }
    }

    /**
     * Makes {@code count} connections one after another, each once all threads of the workers but
     * the one of slot {@code full} wait in epoll; returns the connections each slot served meanwhile.
     */
    private static Map<Integer, Long> servedOneAtATime(DaemonUnderTest daemon, int count, int full) throws Exception {
        PoolStatus before = daemon.status();
        List<Long> idle = before.rows().stream().filter(r -> r.slot() != full).map(PoolStatus.Row::pid)
                .collect(Collectors.toList());
        for (int i = 0; i < count; i++) {
            Await.until(Duration.ofSeconds(10), () -> allWaitInEpoll(idle), "every thread of workers " + idle
                    + " in epoll_wait");
            try (Echo echo = new Echo(daemon.port())) {
                assertArrayEquals(MESSAGE, echo.exchange(MESSAGE));
            }
        }
        PoolStatus after = daemon.status();
        Map<Integer, Long> served = new HashMap<>();
        for (PoolStatus.Row row : after.rows()) {
            PoolStatus.Row earlier = before.row(row.slot());
            assertEquals(earlier.pid(), row.pid(), () -> "worker of slot " + row.slot() + " replaced meanwhile");
            long delta = row.requests() - earlier.requests();
            if (delta > 0) {
                served.put(row.slot(), delta);
            }
        }
        return served;
    }

    private static boolean allWaitInEpoll(List<Long> workers) {
        int waiting = 0;
        for (long worker : workers) {
            try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(worker), "task"))) {
                for (Path task : tasks.collect(Collectors.toList())) {
                    String name;
                    String wchan;
                    try {
                        name = Files.readString(task.resolve("comm"));
                        wchan = Files.readString(task.resolve("wchan"));
                    } catch (NoSuchFileException e) {
                        continue; // a thread of the JVM's own that has just ended
                    }
                    if (name.startsWith("accept-")) {
                        if (!wchan.equals("do_epoll_wait")) {
                            return false;
                        }
                        waiting++;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return waiting == workers.size() * THREADS;
    }
}
