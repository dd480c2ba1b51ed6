package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
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
import dm.it.kit.Echo;
import dm.it.kit.EchoLoad;
import dm.it.kit.Exec;
import dm.it.kit.PoolStatus;

/**
 * worker.threads (issue 10) with real worker JVMs: several connections per worker, each thread
 * waiting for one in its own epoll instance on the shared socket; what a kill -9, -restart and -wdown cost.
 */
@ExtendWith(DmExtension.class)
class WorkerThreadsIT {
    private static final Pattern FLAGS = Pattern.compile("(?m)^flags:\\s+([0-7]+)$");
    private static final int O_NONBLOCK = 04000;
    /** An epoll instance's line in /proc/PID/fdinfo for a watched fd 0: its events, in hex. */
    private static final Pattern WATCHES_FD_0 = Pattern.compile("(?m)^tfd:\\s+0\\s+events:\\s*([0-9a-f]+)");
    private static final long EPOLLEXCLUSIVE = 1L << 28;

    @TempDir
    Path dir;

    @Test
    void twoWorkersOfEightThreadsHoldSixteenClientsAndAKillResetsOnlyTheEightOfOne(Daemons daemons) throws Exception {
        // pool.min-spare 0: the pool does not grow however busy it is, so the 16 can only be served by 2 JVMs.
        DaemonUnderTest daemon = daemons.start(dir, Map.of("pool.min", "2", "pool.max", "4", "worker.threads", "8",
                "pool.min-spare", "0", "pool.max-spare", "16"));
        awaitIdleThreads(daemon, 16);
        Random random = new Random(1);
        List<Echo> held = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            Echo client = new Echo(daemon.port(), 30_000);
            client.roundTrip(Echo.randomBytes(random, 100));
            held.add(client);
        }
        PoolStatus status = daemon.status();
        assertEquals(2, status.total(), () -> "no pool growth:\n" + status.text());
        assertEquals(16, status.busyThreads(), () -> "16 threads busy:\n" + status.text());
        assertTrue(status.rows().stream().allMatch(r -> r.busyThreads() == 8 && r.threads() == 8),
                () -> "8/8 in each row:\n" + status.text());
        assertTrue(status.scoreboardLine().startsWith("W".repeat(16)), () -> "a W per thread:\n" + status.text());
        Exec.Result threads = Exec.ctl(dir, daemon.config(), "status", "--threads");
        assertEquals(0, threads.exitCode(), () -> "status --threads: " + threads);
        long busyRows = threads.stdout().lines().filter(l -> l.matches("^\\s*\\d+\\s+\\d+\\s+\\d+\\s+busy\\s+1\\s+\\d+ ms\\s+127\\.0\\.0\\.1:\\d+$")).count();
        assertEquals(16, busyRows, () -> "one busy row per thread:\n" + threads.stdout());
        assertThreadsWaitInEpollInEveryWorker(daemon, 8);

        // Which worker holds which client: dm-ctl status --threads names both.
        Map<Integer, Long> workerOfPort = new HashMap<>();
        for (Echo client : held) {
            workerOfPort.put(client.localPort(), daemon.awaitServing(client.localPort(), Duration.ofSeconds(10)).pid());
        }
        long victim = workerOfPort.values().iterator().next();
        assertEquals(8, workerOfPort.values().stream().filter(p -> p == victim).count(), "8 clients per worker");

        // Four more queue behind the 16 busy threads; they must all be served, by the victim's replacement.
        AtomicInteger queuedServed = new AtomicInteger();
        ConcurrentLinkedQueue<String> queuedFailures = new ConcurrentLinkedQueue<>();
        List<Thread> queued = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            byte[] message = Echo.randomBytes(random, 1000);
            Echo client = new Echo(daemon.port(), 30_000);
            client.send(message);
            Thread thread = new Thread(() -> {
                try (client) {
                    if (!Arrays.equals(message, client.readExactly(message.length))) {
                        throw new IOException("echo differs");
                    }
                    queuedServed.incrementAndGet();
                } catch (Exception e) {
                    queuedFailures.add(e.toString());
                }
            }, "queued-" + i);
            thread.start();
            queued.add(thread);
        }
        ProcessHandle.of(victim).orElseThrow().destroyForcibly();
        daemon.waitForLog("supervisor: worker " + victim + " \\(slot \\d+\\) killed by signal SIGKILL", Duration.ofSeconds(10));
        int reset = 0;
        int served = 0;
        for (Echo client : held) {
            try (client) {
                client.roundTrip(Echo.randomBytes(random, 100));
                served++;
                assertTrue(workerOfPort.get(client.localPort()) != victim, "a client of the killed worker got an echo");
            } catch (IOException e) {
                reset++;
                assertEquals(victim, workerOfPort.get(client.localPort()), "a client of the surviving worker failed: " + e);
            }
        }
        for (Thread thread : queued) {
            thread.join(30_000);
        }
        System.out.printf("WorkerThreadsIT: kill -9 of a worker holding 8 connections: %d reset, %d of the other worker's"
                + " served, %d of 4 queued served%n", reset, served, queuedServed.get());
        assertEquals(8, reset, "the killed worker's 8 connections");
        assertEquals(8, served, "the other worker's 8");
        assertEquals(List.of(), List.copyOf(queuedFailures), "queued connections");
        assertEquals(4, queuedServed.get(), "every queued connection served");
    }

    @Test
    void restartAndWaitDownUnderLoadWithThreadsLoseNothing(Daemons daemons) throws Exception {
        DaemonUnderTest daemon = daemons.start(dir, Map.of("pool.min", "2", "pool.max", "4", "worker.threads", "4",
                "pool.min-spare", "2", "pool.max-spare", "8", "shutdown.timeout-ms", "30000"));
        awaitIdleThreads(daemon, 8);
        try (EchoLoad load = new EchoLoad(daemon.port(), 6, 30_000)) {
            Await.until(Duration.ofSeconds(30), () -> load.successes() >= 200, "200 echoes before the restart");
            assertThreadsWaitInEpollInEveryWorker(daemon, 4);
            Exec.Result restart = Exec.ctl(dir, daemon.config(), "-restart");
            assertEquals(0, restart.exitCode(), () -> "dm-ctl -restart: " + restart);
            int afterRestart = load.successes();
            Await.until(Duration.ofSeconds(30), () -> load.successes() >= afterRestart + 200, "echoes after the restart");
            assertThreadsWaitInEpollInEveryWorker(daemon, 4);
            assertEquals(List.of(), load.failures(), "failed connections during -restart");
            System.out.printf("WorkerThreadsIT: -restart under load (6 clients, 2 workers x 4 threads): %d echoes,"
                    + " 0 failed%n", load.successes());
        }

        // -wdown: connections held on several threads of each worker run to their end.
        Random random = new Random(2);
        List<Echo> held = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Echo client = new Echo(daemon.port(), 30_000);
            client.roundTrip(Echo.randomBytes(random, 100));
            held.add(client);
        }
        Exec.Running wdown = Exec.ctlAsync(dir, daemon.config(), "-wdown");
        daemon.waitForLog("supervisor: dm-ctl asks for wait-down$", Duration.ofSeconds(30));
        Await.until(Duration.ofSeconds(10), () -> daemon.status().idleThreads() == 0, "no thread accepts any more");
        for (Echo client : held) {
            for (int size : new int[] {1, 5000, 100_000}) {
                client.roundTrip(Echo.randomBytes(random, size));
            }
        }
        assertTrue(daemon.process().isAlive(), "the daemon waits for the held connections");
        for (Echo client : held) {
            client.close();
        }
        assertEquals(0, daemon.awaitExit(Duration.ofSeconds(30)), "daemon exit code after -wdown");
        Exec.Result result = wdown.await(Duration.ofSeconds(30));
        assertEquals(0, result.exitCode(), () -> "dm-ctl -wdown: " + result);
        assertTrue(daemon.logLines().stream().noneMatch(l -> l.contains("killed")), "no worker killed");
    }

    private static void awaitIdleThreads(DaemonUnderTest daemon, int count) {
        Await.until(Duration.ofSeconds(60), () -> daemon.status().idleThreads() >= count, count + " idle threads");
    }

    /**
     * How every worker's threads wait for a connection (AcceptWait): each in its own epoll instance
     * that watches the listening socket, fd 0, with EPOLLEXCLUSIVE, which is what makes the kernel
     * hand a connection to the first idle thread of the oldest worker; and fd 0 is non-blocking, so
     * that a thread woken with another and beaten to the connection gets EAGAIN and waits again
     * instead of blocking in accept().
     */
    private static void assertThreadsWaitInEpollInEveryWorker(DaemonUnderTest daemon, int threads) throws IOException {
        List<Long> workers = daemon.status().rows().stream().filter(r -> r.state().equals("idle") || r.state().equals("busy"))
                .map(PoolStatus.Row::pid).collect(Collectors.toList());
        assertTrue(!workers.isEmpty(), "workers to look at");
        for (long worker : workers) {
            Path fdinfo = Path.of("/proc", Long.toString(worker), "fdinfo");
            String listener;
            int waits = 0;
            try (Stream<Path> fds = Files.list(fdinfo)) {
                listener = Files.readString(fdinfo.resolve("0"));
                for (Path fd : fds.collect(Collectors.toList())) {
                    Matcher watch = WATCHES_FD_0.matcher(Files.readString(fd));
                    if (watch.find() && (Long.parseLong(watch.group(1), 16) & EPOLLEXCLUSIVE) != 0) {
                        waits++;
                    }
                }
            } catch (IOException e) {
                continue; // it has just exited
            }
            Matcher flags = FLAGS.matcher(listener);
            assertTrue(flags.find(), () -> "flags line in " + fdinfo + "/0:\n" + listener);
            int value = Integer.parseInt(flags.group(1), 8);
            assertEquals(O_NONBLOCK, value & O_NONBLOCK, () -> "O_NONBLOCK not set on the listening socket in worker "
                    + worker + ": flags " + flags.group(1));
            int found = waits;
            assertEquals(threads, found, () -> "epoll instances watching fd 0 with EPOLLEXCLUSIVE in worker " + worker);
        }
    }
}
