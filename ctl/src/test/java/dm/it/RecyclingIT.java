package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dm.it.kit.Await;
import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.LineClient;
import dm.it.kit.LogTimes;
import dm.it.kit.WorkerCountSampler;

/**
 * worker.max-requests (+ jitter): a worker leaves after its N-th connection, its replacement is started
 * and accepting before it goes, and the pool never has fewer than pool.min workers. Which worker served
 * a connection is what LineProtocolHandler's WHO answers.
 */
@ExtendWith(DmExtension.class)
class RecyclingIT {
    static final String HANDLER = "dm.handler.LineProtocolHandler";
    static final String RECYCLED = "supervisor: worker (\\d+) \\(slot (\\d+)\\) exited: code 5 \\(served worker\\.max-requests\\)$";

    @TempDir
    Path dir;

    @Test
    void workersLeaveAfterMaxRequestsAndTheirReplacementsStartFirst(Daemons daemons) throws Exception {
        int maxRequests = 4;
        int jitter = 2;
        int poolMin = 3;
        int threads = 3;
        int connectionsEach = 10;
        DaemonUnderTest daemon = daemons.start(dir, Map.of("worker.handler", HANDLER, "pool.min", "" + poolMin,
                "pool.max", "10", "pool.min-spare", "1", "worker.max-requests", "" + maxRequests,
                "worker.max-requests-jitter", "" + jitter));
        daemon.awaitIdleWorkers(poolMin, Duration.ofSeconds(30));

        // The live worker JVMs, sampled as fast as /proc allows while the traffic runs.
        WorkerCountSampler sampler = WorkerCountSampler.start(daemon);

        Map<Long, AtomicInteger> servedBy = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> clients = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < connectionsEach; i++) {
                    try {
                        LineClient.Who who = LineClient.whoServes(daemon.port());
                        servedBy.computeIfAbsent(who.pid(), p -> new AtomicInteger()).incrementAndGet();
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            }, "client-" + t);
            thread.start();
            clients.add(thread);
        }
        for (Thread thread : clients) {
            thread.join(TimeUnit.SECONDS.toMillis(90));
            assertTrue(!thread.isAlive(), thread.getName() + " still running");
        }
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        sampler.stop();
        assertTrue(failures.isEmpty(), () -> failures.size() + " failed connections: " + failures);

        int connections = threads * connectionsEach;
        Map<Long, Integer> counts = new TreeMap<>();
        servedBy.forEach((pid, n) -> counts.put(pid, n.get()));
        System.out.printf("RecyclingIT: %d connections in %d ms served by %d workers %s; fewest worker JVMs %d in %d samples%n",
                connections, elapsed, counts.size(), counts, sampler.fewest(), sampler.samples());
        assertEquals(connections, counts.values().stream().mapToInt(Integer::intValue).sum(), "connections answered");
        counts.forEach((pid, n) -> assertTrue(n <= maxRequests + jitter,
                "worker " + pid + " served " + n + " connections, more than worker.max-requests + jitter"));
        assertTrue(sampler.fewest() >= poolMin, "live worker JVMs never below pool.min: fewest " + sampler.fewest());

        // By the log: every worker that left for worker.max-requests served N..N+jitter connections, and
        // its replacement was started and accepting before it exited.
        // A worker that served N + jitter connections has certainly reached its limit: wait for it to go.
        Set<Long> full = new HashSet<>();
        counts.forEach((pid, n) -> {
            if (n == maxRequests + jitter) {
                full.add(pid);
            }
        });
        Await.until(Duration.ofSeconds(90), () -> { // a retiring worker waits for its replacement to boot, up to 60 s
            Set<Long> gone = new HashSet<>();
            LogTimes.find(daemon.logLines(), RECYCLED).forEach(h -> gone.add(Long.parseLong(h.group(1))));
            return gone.containsAll(full);
        }, "workers " + full + " that served worker.max-requests + jitter connections to leave");
        List<String> lines = daemon.logLines();
        List<LogTimes.Hit> recycled = LogTimes.find(lines, RECYCLED);
        assertTrue(recycled.size() >= connections / (maxRequests + jitter) - poolMin - 1,
                () -> "workers recycled: " + recycled.size());
        Set<Long> seen = new HashSet<>();
        for (LogTimes.Hit exit : recycled) {
            long pid = Long.parseLong(exit.group(1));
            seen.add(pid);
            int served = counts.getOrDefault(pid, 0);
            assertTrue(served >= maxRequests && served <= maxRequests + jitter,
                    "recycled worker " + pid + " served " + served + " connections");
            int exitLine = lines.indexOf(exit.line());
            int announced = LogTimes.indexOf(lines, "supervisor: worker " + pid + " \\(slot \\d+\\) reached worker\\.max-requests:"
                    + " its replacement starts in slot (\\d+)$", 0);
            assertTrue(announced >= 0 && announced < exitLine, "replacement of " + pid + " announced before it left");
            int replacementSlot = Integer.parseInt(lines.get(announced).replaceAll(".* in slot (\\d+)$", "$1"));
            int startedLine = LogTimes.indexOf(lines, "supervisor: worker \\d+ \\(slot " + replacementSlot + "\\) started$", announced);
            assertTrue(startedLine > announced && startedLine < exitLine,
                    "replacement of " + pid + " started (slot " + replacementSlot + ") before it left");
            long replacementPid = Long.parseLong(lines.get(startedLine).replaceAll(".* worker (\\d+) \\(slot.*", "$1"));
            // By time, not by line: a worker's lines reach the log through the relay, a thread apart from the
            // supervisor's. The worker logs 'accepting' before the state the supervisor acts on, so its time is earlier.
            int accepting = LogTimes.indexOf(lines, "dm\\[" + replacementPid + "\\] slot " + replacementSlot
                    + ": accepting connections", startedLine);
            assertTrue(accepting > startedLine && LogTimes.millis(lines.get(accepting)) <= LogTimes.millis(exit.line()),
                    "replacement " + replacementPid + " was accepting before " + pid + " left");
        }
        System.out.println("RecyclingIT: " + recycled.size() + " workers recycled, each replaced first: " + seen);
    }

    @Test
    void maxRequestsOneGivesEveryConnectionAFreshProcess(Daemons daemons) throws Exception {
        int connections = 5;
        DaemonUnderTest daemon = daemons.start(dir, Map.of("worker.handler", HANDLER, "pool.min", "2",
                "pool.max", "4", "pool.min-spare", "1", "worker.max-requests", "1"));
        daemon.awaitIdleWorkers(2, Duration.ofSeconds(30));
        List<Long> pids = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < connections; i++) {
            pids.add(LineClient.whoServes(daemon.port()).pid());
        }
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.println("RecyclingIT: worker.max-requests=1: " + connections + " connections in " + elapsed
                + " ms, served by " + pids);
        assertEquals(connections, new HashSet<>(pids).size(), "every connection served by a distinct pid: " + pids);
        Map<Long, Integer> exits = new HashMap<>();
        Await.until(Duration.ofSeconds(90), () -> { // a retiring worker waits for its replacement to boot, up to 60 s
            exits.clear();
            for (LogTimes.Hit exit : LogTimes.find(daemon.logLines(), RECYCLED)) {
                exits.merge(Long.parseLong(exit.group(1)), 1, Integer::sum);
            }
            return exits.keySet().containsAll(pids);
        }, "every worker that served a connection to leave with code 5");
    }
}
