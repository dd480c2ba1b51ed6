package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.Exec;
import dm.it.kit.HandlerJars;
import dm.it.kit.LineClient;

/**
 * The handler API as the README documents it, with dm.it.handlers.LifecycleHandler loaded from
 * worker.classpath: start once per worker before it accepts, handle once per connection on the
 * same instance, stop once when the worker leaves normally (restart, wait-down), all three
 * visible through the WorkerContext's logger.
 */
@ExtendWith(DmExtension.class)
class HandlerApiIT {
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final Pattern REPLY = Pattern.compile("^line=(\\S*) starts=(\\d+) handled=(\\d+) startPid=(\\d+) startSlot=(-?\\d+)"
            + " pid=(\\d+) slot=(\\d+) sameContext=(\\w+) client=127\\.0\\.0\\.1:(\\d+) nodelay=(\\w+)"
            + " thread=(-?\\d+)/(\\d+) startThread=(-?\\d+)$");

    @TempDir
    Path dir;

    record Reply(String line, int starts, int handled, long startPid, int startSlot, long pid, int slot,
            boolean sameContext, int clientPort, boolean noDelay, int thread, int threads, int startThread) {
        static Reply parse(String text) {
            assertNotNull(text, "a reply line (the server closed instead)");
            Matcher m = REPLY.matcher(text);
            assertTrue(m.matches(), () -> "reply of LifecycleHandler: " + text);
            return new Reply(m.group(1), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                    Long.parseLong(m.group(4)), Integer.parseInt(m.group(5)), Long.parseLong(m.group(6)),
                    Integer.parseInt(m.group(7)), Boolean.parseBoolean(m.group(8)), Integer.parseInt(m.group(9)),
                    Boolean.parseBoolean(m.group(10)), Integer.parseInt(m.group(11)), Integer.parseInt(m.group(12)),
                    Integer.parseInt(m.group(13)));
        }
    }

    @Test
    void startOncePerWorkerBeforeAcceptingHandlePerConnectionStopOnANormalLeave(Daemons daemons) throws Exception {
        Path jar = HandlerJars.testHandlers(dir.resolve("handlers/test-handlers.jar"));
        DaemonUnderTest daemon = daemons.start(dir, Map.of("pool.min", "2", "pool.max", "2",
                "worker.handler", "dm.it.handlers.LifecycleHandler", "worker.classpath", jar.getParent().toString()));
        Set<Long> first = daemon.awaitIdleWorkers(2, TIMEOUT).workerPids();
        assertEquals(2, first.size(), "two workers");

        Map<Long, Integer> served = serveAndCheck(daemon, first, 8);
        for (long pid : first) {
            assertStartedOnceBeforeAccepting(daemon, pid);
        }

        // A rolling restart is a normal leave: each old worker runs its stop hook once, with its count.
        Exec.Result restart = Exec.ctl(dir, daemon.config(), "-restart");
        assertEquals(0, restart.exitCode(), () -> "dm-ctl -restart: " + restart);
        for (long pid : first) {
            assertStoppedOnce(daemon, pid, served.getOrDefault(pid, 0));
        }
        Set<Long> second = daemon.awaitIdleWorkers(2, TIMEOUT).workerPids();
        assertTrue(second.stream().noneMatch(first::contains), () -> "fresh workers: " + first + " then " + second);
        Map<Long, Integer> servedAfter = serveAndCheck(daemon, second, 6);
        for (long pid : second) {
            assertStartedOnceBeforeAccepting(daemon, pid);
        }

        // Wait-down is a normal leave too.
        Exec.Result down = Exec.ctl(dir, daemon.config(), "-wdown");
        assertEquals(0, down.exitCode(), () -> "dm-ctl -wdown: " + down);
        assertEquals(0, daemon.awaitExit(TIMEOUT), "daemon exit code after -wdown");
        for (long pid : second) {
            assertStoppedOnce(daemon, pid, servedAfter.getOrDefault(pid, 0));
        }
        System.out.printf("HandlerApiIT: connections per worker %s, then after the restart %s%n", served, servedAfter);
    }

    /**
     * Opens {@code connections} connections of two lines each; checks every reply and returns how many
     * connections each worker pid served.
     */
    private static Map<Long, Integer> serveAndCheck(DaemonUnderTest daemon, Set<Long> workers, int connections) throws Exception {
        Map<Long, Integer> lastHandled = new HashMap<>();
        Map<Long, Integer> count = new LinkedHashMap<>();
        for (int i = 0; i < connections; i++) {
            List<Reply> replies = new ArrayList<>();
            int localPort;
            try (LineClient client = new LineClient(daemon.port())) {
                localPort = client.localPort();
                replies.add(Reply.parse(client.ask("first-" + i)));
                replies.add(Reply.parse(client.ask("second-" + i)));
            }
            Reply a = replies.get(0);
            Reply b = replies.get(1);
            String where = "connection " + i + ": " + replies;
            assertEquals("first-" + i, a.line(), where);
            assertEquals("second-" + i, b.line(), where);
            for (Reply r : replies) {
                assertEquals(1, r.starts(), () -> "start hook ran once on this worker's instance: " + where);
                assertEquals(r.pid(), r.startPid(), () -> "start hook's WorkerContext is this worker: " + where);
                assertEquals(r.slot(), r.startSlot(), () -> "start hook's slot is this worker's: " + where);
                assertTrue(r.sameContext(), () -> "Connection.worker() is the start hook's context: " + where);
                assertEquals(localPort, r.clientPort(), () -> "Connection.client() is this client: " + where);
                assertTrue(r.noDelay(), () -> "TCP_NODELAY is on: " + where);
                assertEquals(0, r.thread(), () -> "WorkerContext.thread(): handle runs on the one thread 0: " + where);
                assertEquals(1, r.threads(), () -> "WorkerContext.threads() is worker.threads: " + where);
                assertEquals(-1, r.startThread(), () -> "start runs on no accepting thread: " + where);
            }
            assertEquals(a.pid(), b.pid(), where);
            assertEquals(a.handled(), b.handled(), () -> "handle is called once per connection, not per line: " + where);
            int previous = lastHandled.getOrDefault(a.pid(), 0);
            assertEquals(previous + 1, a.handled(), () -> "one instance per worker, handle once per connection: " + where);
            lastHandled.put(a.pid(), a.handled());
            count.merge(a.pid(), 1, Integer::sum);
            assertTrue(workers.contains(a.pid()), () -> "served by a worker of the pool " + workers + ": " + where);
        }
        return count;
    }

    private static void assertStartedOnceBeforeAccepting(DaemonUnderTest daemon, long pid) {
        Pattern start = Pattern.compile("dm\\[" + pid + "\\] slot \\d+: lifecycle: start hook, starts=1 pid=" + pid + " ");
        Pattern accepting = Pattern.compile("dm\\[" + pid + "\\] slot \\d+: accepting connections");
        List<String> lines = daemon.logLines();
        int startAt = -1;
        int startCount = 0;
        int acceptingAt = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("lifecycle: start hook") && lines.get(i).contains("dm[" + pid + "]")) {
                startCount++;
                if (start.matcher(lines.get(i)).find()) {
                    startAt = i;
                }
            }
            if (acceptingAt < 0 && accepting.matcher(lines.get(i)).find()) {
                acceptingAt = i;
            }
        }
        assertEquals(1, startCount, "start hook lines of worker " + pid);
        assertTrue(startAt >= 0 && acceptingAt > startAt,
                "worker " + pid + ": start hook (line " + startAt + ") before 'accepting connections' (line " + acceptingAt + ")");
    }

    private static void assertStoppedOnce(DaemonUnderTest daemon, long pid, int connections) {
        daemon.waitForLog("supervisor: worker " + pid + " \\(slot \\d+\\) exited: code 0$", TIMEOUT);
        // The worker's own lines come through another thread of the supervisor: wait for them too.
        daemon.waitForLog("dm\\[" + pid + "\\] slot \\d+: lifecycle: stop hook", TIMEOUT);
        long stops = daemon.logLines().stream()
                .filter(l -> l.contains("dm[" + pid + "]") && l.contains("lifecycle: stop hook")).count();
        assertEquals(1, stops, "stop hook lines of worker " + pid);
        assertTrue(daemon.logContains("dm\\[" + pid + "\\] slot \\d+: lifecycle: stop hook after " + connections
                + " connections, pid=" + pid + "$"), "worker " + pid + " stop hook after " + connections + " connections");
    }
}
