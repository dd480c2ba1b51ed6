package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dm.it.handlers.FailingStartHandler;
import dm.it.handlers.HaltingHandler;
import dm.it.kit.Await;
import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.Exec;
import dm.it.kit.Echo;
import dm.it.kit.HandlerJars;
import dm.it.kit.LogTimes;
import dm.it.kit.PoolStatus;
import dm.it.kit.Processes;

/**
 * Crash loops back off exponentially; workers that cannot boot at all stop the daemon with exit code 76
 * and one clear error; every worker exit is logged with its cause.
 */
@ExtendWith(DmExtension.class)
class WorkerExitIT {
    static final String BACKOFF = "WARN  dm\\[\\d+\\] supervisor: slot (\\d+): worker died (\\d+) ms after it started; next one in (\\d+) ms$";

    @TempDir
    Path dir;

    @Test
    void workersThatDieYoungAreRestartedWithExponentialBackOff(Daemons daemons) throws Exception {
        Path jar = HandlerJars.testHandlers(dir.resolve("test-handlers.jar"));
        DaemonUnderTest daemon = daemons.start(dir, Map.of("worker.handler", HaltingHandler.class.getName(),
                "worker.classpath", jar.toString(), "pool.min", "1", "pool.max", "1", "worker.min-uptime-ms", "60000",
                "worker.max-backoff-ms", "800"));
        // Each connection kills the worker that accepts it; keep connecting until the back-off reached its cap twice.
        AtomicBoolean stop = new AtomicBoolean();
        Thread clients = new Thread(() -> {
            while (!stop.get()) {
                try (Echo echo = new Echo(daemon.port(), 15_000)) {
                    echo.send(new byte[] {'x'});
                    echo.read();
                } catch (IOException e) {
                    // reset by the halt: expected
                }
            }
        }, "crasher");
        clients.start();
        try {
            Await.until(Duration.ofSeconds(40), () -> LogTimes.find(daemon.logLines(), BACKOFF).size() >= 5,
                    "five back-off lines");
        } finally {
            stop.set(true);
        }
        clients.join(20_000);
        // The crasher may stop before the fifth back-off has run out: wait for the worker started after it.
        Await.until(Duration.ofSeconds(30), () -> {
            List<String> now = daemon.logLines();
            List<LogTimes.Hit> found = LogTimes.find(now, BACKOFF);
            int fifth = now.indexOf(found.get(4).line());
            return LogTimes.indexOf(now, "supervisor: worker \\d+ \\(slot " + found.get(4).group(1) + "\\) started$",
                    fifth) > fifth;
        }, "the worker started after the fifth back-off");

        List<String> lines = daemon.logLines();
        List<LogTimes.Hit> backoffs = LogTimes.find(lines, BACKOFF);
        List<Integer> waits = backoffs.stream().map(h -> h.intGroup(3)).collect(Collectors.toList());
        System.out.println("WorkerExitIT: back-off waits " + waits + " ms");
        assertEquals(List.of(100, 200, 400, 800, 800), waits.subList(0, 5), "back-off doubles from 100 ms up to"
                + " worker.max-backoff-ms");
        List<Long> actual = new ArrayList<>();
        for (LogTimes.Hit backoff : backoffs.subList(0, 5)) {
            // The next worker of that slot starts no sooner than the back-off says.
            int at = lines.indexOf(backoff.line());
            int next = LogTimes.indexOf(lines, "supervisor: worker \\d+ \\(slot " + backoff.group(1) + "\\) started$", at);
            assertTrue(next > at, "a worker started after: " + backoff.line());
            long waited = LogTimes.millis(lines.get(next)) - backoff.millis();
            actual.add(waited);
            assertTrue(waited >= backoff.intGroup(3) - 5, "waited " + waited + " ms after: " + backoff.line());
            // The cause of each death, logged just before (by the supervisor): the handler's halt(1).
            int previous = at - 1;
            while (previous >= 0 && !lines.get(previous).contains(" supervisor: ")) {
                previous--;
            }
            assertTrue(previous >= 0 && lines.get(previous).matches(".*supervisor: worker \\d+ \\(slot " + backoff.group(1)
                    + "\\) exited: code 1$"), "exit code logged before: " + backoff.line());
        }
        System.out.println("WorkerExitIT: time from each back-off line to the next start " + actual + " ms");
        assertTrue(daemon.process().isAlive(), "a worker that dies after accepting is a crash loop, not a boot failure");
    }

    @Test
    void tooSmallHeapIsRefusedAtStartWith78() {
        assertRefusedAtStart("bad-heap", "-Xmx1k");
    }

    @Test
    void unknownJvmOptionIsRefusedAtStartWith78() {
        assertRefusedAtStart("bad-option", "-XX:+SurelyNoSuchOptionInAnyJvm");
    }

    /**
     * worker.jvm-options the JVM refuses are found before anything starts (the start runs the checks
     * of --check): one line naming the key, exit 78, no worker, no scoreboard.
     */
    private void assertRefusedAtStart(String name, String options) {
        Map<String, String> properties = DaemonUnderTest.defaults(dir);
        properties.put("worker.jvm-options", options);
        properties.put("scoreboard.file", dir.resolve(name + ".scoreboard").toString());
        Path config = DaemonUnderTest.writeConfig(dir, name + ".properties", properties);
        Exec.Result start = Exec.daemon(dir, Duration.ofSeconds(60), "-c", config.toString());
        System.out.println("WorkerExitIT: " + name + ": " + start);
        assertEquals(78, start.exitCode(), () -> "dm-daemon with worker.jvm-options = " + options + ": " + start);
        List<String> lines = start.stderr().lines().collect(Collectors.toList());
        assertEquals(1, lines.size(), () -> "one line: " + start.stderr());
        assertTrue(lines.get(0).matches("dm-daemon: .*worker\\.jvm-options = '" + java.util.regex.Pattern.quote(options)
                + "': the JVM refuses them: .*"), () -> "the line names the key and the value: " + lines.get(0));
        assertTrue(Processes.dmJvmsMentioning(config).isEmpty(), "no worker started");
        assertFalse(java.nio.file.Files.exists(dir.resolve(name + ".scoreboard")), "no scoreboard left");
    }

    @Test
    void handlerWhoseStartThrowsStopsTheDaemonWith76(Daemons daemons) {
        Path jar = HandlerJars.testHandlers(dir.resolve("test-handlers.jar"));
        List<String> log = assertCannotBoot(daemons, "bad-start", Map.of("worker.handler", FailingStartHandler.class.getName(),
                "worker.classpath", jar.toString()), "could not boot \\(see its error above\\)");
        String cause = "ERROR dm\\[\\d+\\] slot \\d+: cannot boot: worker\\.handler = '" + FailingStartHandler.class.getName()
                + "': start failed: java\\.io\\.IOException: cannot reach the database at db\\.invalid:5432$";
        assertTrue(log.stream().anyMatch(l -> l.matches(".*" + cause)), () -> "the worker names the class and the cause:\n"
                + String.join("\n", log));
    }

    /** Starts a daemon whose workers cannot boot: it exits 76 with one supervisor error naming {@code mention}. */
    private List<String> assertCannotBoot(Daemons daemons, String name, Map<String, String> overrides, String mention) {
        Map<String, String> properties = DaemonUnderTest.defaults(dir);
        properties.put("pool.min", "1");
        properties.putAll(overrides);
        properties.put("scoreboard.file", dir.resolve(name + ".scoreboard").toString());
        Path config = DaemonUnderTest.writeConfig(dir, name + ".properties", properties);
        DaemonUnderTest daemon = daemons.start(dir, config);
        int exit = daemon.awaitExit(Duration.ofSeconds(30));
        List<String> log = daemon.logLines();
        System.out.println("WorkerExitIT: " + name + ": exit " + exit + "; log:\n  " + String.join("\n  ", log));
        assertEquals(76, exit, "dm-daemon exit code when workers cannot boot");
        List<String> errors = log.stream().filter(l -> l.matches(".* ERROR dm\\[" + daemon.pid() + "\\] supervisor: .*"))
                .collect(Collectors.toList());
        assertEquals(1, errors.size(), () -> "one supervisor error: " + errors);
        assertTrue(errors.get(0).matches(".*supervisor: workers cannot boot: .*" + mention + ".*"),
                () -> "the error says what to check: " + errors.get(0));
        assertTrue(log.stream().noneMatch(l -> l.contains("\tat ") || l.contains("Exception in thread")),
                "no stack trace in the log");
        assertTrue(Processes.dmJvmsMentioning(config).isEmpty(), "no worker left");
        return log;
    }

    @Test
    void exitCausesAreLoggedBySignalName(Daemons daemons) throws Exception {
        DaemonUnderTest daemon = daemons.start(dir, Map.of("pool.min", "2", "pool.max", "2",
                "worker.min-uptime-ms", "0"));
        PoolStatus status = daemon.awaitIdleWorkers(2, Duration.ofSeconds(30));
        long terminated = status.rows().get(0).pid();
        long killed = status.rows().get(1).pid();
        ProcessHandle.of(terminated).orElseThrow().destroy();
        ProcessHandle.of(killed).orElseThrow().destroyForcibly();
        daemon.waitForLog("supervisor: worker " + terminated + " \\(slot \\d+\\) killed by signal SIGTERM$", Duration.ofSeconds(10));
        daemon.waitForLog("supervisor: worker " + killed + " \\(slot \\d+\\) killed by signal SIGKILL \\(not sent by dm: possibly"
                + " out of memory\\)$", Duration.ofSeconds(10));
        PoolStatus after = daemon.awaitIdleWorkers(2, Duration.ofSeconds(30));
        assertTrue(!after.workerPids().contains(terminated) && !after.workerPids().contains(killed),
                () -> "both replaced:\n" + after.text());
    }
}
