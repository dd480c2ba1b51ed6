package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dm.it.kit.Await;
import dm.it.kit.Checks;
import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.Echo;
import dm.it.kit.Exec;
import dm.it.kit.HandlerJars;
import dm.it.kit.LineClient;
import dm.it.kit.PoolStatus;
import dm.it.kit.Ports;
import dm.it.kit.Processes;

/**
 * Handlers that cannot work: refused at start (78) when the class is missing or not a handler; the
 * daemon stops (76) without a respawn loop when a worker cannot create or start it; one connection
 * lost when it throws while serving; a restart refused (78) when the configuration became invalid, and
 * abandoned (76), the previous configuration serving on, when the new handler cannot boot.
 */
@ExtendWith(DmExtension.class)
class BadHandlerIT {
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /** dm-daemon runs here that end by themselves: their workers, if any were left, are this test's. */
    @BeforeEach
    void watchTheTestDirectory(Daemons daemons) {
        daemons.watch(dir);
    }

    private Path handlersJar() {
        return HandlerJars.testHandlers(dir.resolve("handlers/test-handlers.jar"));
    }

    private Map<String, String> withHandler(String className) {
        Map<String, String> properties = new HashMap<>();
        properties.put("worker.handler", className);
        properties.put("worker.classpath", handlersJar().toString());
        return properties;
    }

    /** dm-daemon refuses the configuration before any worker starts: exit 78, one line, nothing left. */
    private void assertRefusedAtStart(Map<String, String> overrides, String... mentions) {
        int port = Ports.free();
        Map<String, String> properties = DaemonUnderTest.defaults(dir);
        properties.put("server.port", Integer.toString(port));
        properties.putAll(overrides);
        Path config = DaemonUnderTest.writeConfig(dir, "server.properties", properties);
        Exec.Result result = Exec.daemon(dir, TIMEOUT, "-c", config.toString());
        System.out.println("BadHandlerIT: exit " + result.exitCode() + ", stderr: " + result.stderr().strip());
        assertEquals(78, result.exitCode(), () -> "exit code: " + result);
        Checks.assertOneLine("stderr", result.stderr());
        for (String mention : mentions) {
            assertTrue(result.stderr().contains(mention), () -> "stderr should mention '" + mention + "': " + result);
        }
        assertFalse(result.stdout().contains(") started"), () -> "a worker was started: " + result);
        assertTrue(Processes.dmJvmsMentioning(config).isEmpty(), "no dm JVM left");
        assertTrue(Ports.isFree(port), "port " + port + " free");
        assertEquals(List.of(), Checks.scoreboardLeftovers(dir), "scoreboard files left");
    }

    @Test
    void missingHandlerClassIsRefusedAtStart() {
        assertRefusedAtStart(withHandler("dm.it.handlers.NoSuchHandler"),
                "worker.handler", "'dm.it.handlers.NoSuchHandler'", "class not found");
    }

    @Test
    void classThatIsNotAHandlerIsRefusedAtStart() {
        assertRefusedAtStart(withHandler("dm.it.handlers.NotAHandler"),
                "worker.handler", "'dm.it.handlers.NotAHandler'", "does not implement dm.handler.ConnectionHandler");
    }

    @Test
    void constructorThatThrowsStopsTheDaemonWith76(Daemons daemons) {
        assertBootFailureStopsTheDaemon(daemons, "dm.it.handlers.FailingConstructorHandler",
                "constructor failed: java.lang.IllegalStateException: constructor refuses: no license key");
    }

    @Test
    void startHookThatThrowsStopsTheDaemonWith76(Daemons daemons) {
        assertBootFailureStopsTheDaemon(daemons, "dm.it.handlers.FailingStartHandler",
                "start failed: java.io.IOException: cannot reach the database at db.invalid:5432");
    }

    @Test
    void startHookThatThrowsAnErrorStopsTheDaemonWith76(Daemons daemons) {
        assertBootFailureStopsTheDaemon(daemons, "dm.it.handlers.FailingStartErrorHandler",
                "start failed: java.lang.AssertionError: configuration invariant broken");
    }

    private void assertBootFailureStopsTheDaemon(Daemons daemons, String className, String cause) {
        Map<String, String> overrides = withHandler(className);
        overrides.put("pool.min", "2");
        overrides.put("pool.max", "4");
        DaemonUnderTest daemon = daemons.start(dir, overrides);
        int exit = daemon.awaitExit(TIMEOUT);
        List<String> log = daemon.logLines();
        List<String> bootErrors = log.stream().filter(l -> l.matches(".* dm\\[\\d+\\] slot \\d+: cannot boot: .*")).collect(Collectors.toList());
        System.out.println("BadHandlerIT: " + className + ": exit " + exit + "; " + bootErrors.size() + " boot error(s), first: "
                + (bootErrors.isEmpty() ? "none" : bootErrors.get(0)));
        assertEquals(76, exit, "daemon exit code");

        String expected = "cannot boot: worker.handler = '" + className + "': " + cause;
        List<DaemonUnderTest.WorkerEvent> started = daemon.workerEvents().stream()
                .filter(DaemonUnderTest.WorkerEvent::started).collect(Collectors.toList());
        assertTrue(!started.isEmpty() && started.size() <= 2,
                () -> "no respawn loop: at most pool.min workers started, got " + started);
        assertFalse(bootErrors.isEmpty(), "a worker logs why it cannot boot");
        for (String line : bootErrors) {
            assertTrue(line.endsWith(expected), () -> "boot error names the class and the cause:\n  " + line + "\nexpected:\n  " + expected);
        }
        for (DaemonUnderTest.WorkerEvent worker : started) {
            long lines = bootErrors.stream().filter(l -> l.contains("dm[" + worker.pid() + "]")).count();
            assertTrue(lines <= 1, "worker " + worker.pid() + " says it once, not " + lines + " times");
        }
        // A worker's output outside logging reaches the log with the worker's prefix: a frame is "...: \tat ...".
        assertTrue(log.stream().noneMatch(l -> l.contains("\tat ") || l.contains("Exception in thread")),
                "no stack trace in the log");
        assertTrue(daemon.logContains("supervisor: workers cannot boot: .*; stopping$"), "the supervisor says why it stops");
        assertEquals(List.of(), Processes.dmJvmsMentioning(daemon.config()), "no worker left");
        assertTrue(Ports.isFree(daemon.port()), "port " + daemon.port() + " free");
        assertEquals(List.of(), Checks.scoreboardLeftovers(dir), "scoreboard files left");
    }

    @Test
    void handlerThatThrowsWhileServingCostsOnlyThatConnection(Daemons daemons) throws Exception {
        Map<String, String> overrides = withHandler("dm.it.handlers.ThrowingHandler");
        overrides.put("pool.min", "1");
        overrides.put("pool.max", "1");
        DaemonUnderTest daemon = daemons.start(dir, overrides);
        long pid = daemon.awaitIdleWorkers(1, TIMEOUT).workerPids().iterator().next();

        assertEquals("ok " + pid, LineClient.askOnce(daemon.port(), "hello"));
        Map<String, String> thrown = Map.of("runtime", "java.lang.IllegalStateException: handler bug on purpose",
                "checked", "java.lang.Exception: checked failure on purpose",
                "error", "java.lang.AssertionError: assertion failed on purpose");
        for (String kind : List.of("runtime", "checked", "error")) {
            int clientPort;
            try (LineClient client = new LineClient(daemon.port())) {
                clientPort = client.localPort();
                assertNull(client.ask(kind), kind + ": the connection is closed without a reply");
            }
            assertEquals("ok " + pid, LineClient.askOnce(daemon.port(), "after " + kind),
                    "after a handler threw (" + kind + ") the same worker serves the next connection");
            daemon.waitForLog("dm\\[" + pid + "\\] slot 0: handler failed on 127\\.0\\.0\\.1:" + clientPort + ": "
                    + java.util.regex.Pattern.quote(thrown.get(kind)) + "$", TIMEOUT);
        }
        assertEquals(List.of(pid), daemon.workerEvents().stream().map(DaemonUnderTest.WorkerEvent::pid).distinct()
                .collect(Collectors.toList()), "one worker all along, never replaced");
        assertEquals(Set.of(pid), daemon.status().workerPids());
    }

    @Test
    void restartWithAnInvalidConfigurationIsRefusedAndTheOldWorkersKeepServing(Daemons daemons) throws Exception {
        DaemonUnderTest daemon = daemons.start(dir, Map.of());
        Set<Long> workers = daemon.awaitIdleWorkers(2, TIMEOUT).workerPids();
        Map<String, String> good = DaemonUnderTest.defaults(dir);

        Map<String, String> missingClass = new HashMap<>(good);
        missingClass.put("worker.handler", "com.example.NoSuchHandler");
        assertRestartRefused(daemon, missingClass, workers, "worker.handler = 'com.example.NoSuchHandler': class not found");

        Map<String, String> badValue = new HashMap<>(good);
        badValue.put("pool.min", "lots");
        assertRestartRefused(daemon, badValue, workers, "pool.min");

        Map<String, String> missingJar = new HashMap<>(good);
        missingJar.put("worker.classpath", dir.resolve("no-such.jar").toString());
        assertRestartRefused(daemon, missingJar, workers, "worker.classpath: " + dir.resolve("no-such.jar") + " does not exist");

        Map<String, String> badJvmOption = new HashMap<>(good);
        badJvmOption.put("worker.jvm-options", "-Xmx64m -XX:+NoSuchOption");
        assertRestartRefused(daemon, badJvmOption, workers, "worker.jvm-options = '-Xmx64m -XX:+NoSuchOption': the JVM"
                + " refuses them: Unrecognized VM option 'NoSuchOption'");

        // Fixed again, the restart goes through: the refusals left nothing stuck.
        DaemonUnderTest.writeConfig(dir, "server.properties", good);
        Exec.Result restart = Exec.ctl(dir, daemon.config(), "-restart");
        assertEquals(0, restart.exitCode(), () -> "dm-ctl -restart with a good configuration: " + restart);
        Set<Long> fresh = daemon.awaitIdleWorkers(2, TIMEOUT).workerPids();
        assertTrue(fresh.stream().noneMatch(workers::contains), () -> "replaced: " + workers + " then " + fresh);
    }

    /**
     * A restart into a handler whose start hook fails (a broken jar swapped in, say) must not take the
     * service down: the restart is abandoned, dm-ctl says so with 76, and the pool goes back to the
     * previous configuration and serves on.
     */
    @Test
    void restartIntoAHandlerThatCannotBootIsAbandonedAndThePreviousConfigurationServesOn(Daemons daemons) throws Exception {
        Map<String, String> good = DaemonUnderTest.defaults(dir);
        good.put("pool.min", "3");
        good.put("pool.min-spare", "0");
        DaemonUnderTest daemon = daemons.start(dir, DaemonUnderTest.writeConfig(dir, "server.properties", good));
        daemon.awaitIdleWorkers(3, TIMEOUT);

        Map<String, String> broken = new HashMap<>(good);
        broken.putAll(withHandler("dm.it.handlers.FailingStartHandler"));
        DaemonUnderTest.writeConfig(dir, "server.properties", broken);
        Exec.Result restart = Exec.ctl(dir, daemon.config(), "-restart");
        System.out.println("BadHandlerIT: restart into a failing handler -> exit " + restart.exitCode() + ", stderr: "
                + restart.stderr().strip());
        assertEquals(76, restart.exitCode(), () -> "dm-ctl -restart into a handler that cannot boot: " + restart);
        assertTrue(restart.stderr().contains("restart abandoned"), () -> "dm-ctl says so: " + restart);
        Checks.assertOneLine("dm-ctl stderr", restart.stderr());
        assertTrue(daemon.logContains("supervisor: restart abandoned: worker \\d+ \\(slot \\d+\\) of the new configuration"),
                "the log says why");

        PoolStatus status = daemon.awaitIdleWorkers(3, TIMEOUT);
        assertEquals("normal", status.parentStatus());
        assertTrue(daemon.process().isAlive(), "the daemon runs on");
        for (int i = 0; i < 6; i++) {
            try (Echo echo = new Echo(daemon.port())) {
                echo.roundTrip(Echo.randomBytes(new Random(i), 1000)); // the previous handler: echo
            }
        }
        // And it can still be restarted, once the file is good again.
        DaemonUnderTest.writeConfig(dir, "server.properties", good);
        Exec.Result again = Exec.ctl(dir, daemon.config(), "-restart");
        assertEquals(0, again.exitCode(), () -> "dm-ctl -restart with the good configuration: " + again);
    }

    private void assertRestartRefused(DaemonUnderTest daemon, Map<String, String> properties, Set<Long> workers,
            String reason) throws Exception {
        DaemonUnderTest.writeConfig(dir, "server.properties", properties);
        int refusalsBefore = countRefusals(daemon);
        Exec.Result restart = Exec.ctl(dir, daemon.config(), "-restart");
        System.out.println("BadHandlerIT: restart -> exit " + restart.exitCode() + ", stderr: " + restart.stderr().strip());
        assertEquals(78, restart.exitCode(), () -> "dm-ctl -restart on an invalid configuration: " + restart);
        assertTrue(restart.stderr().contains("restart refused"), () -> "dm-ctl says so: " + restart);
        Checks.assertOneLine("dm-ctl stderr", restart.stderr());
        Await.until(TIMEOUT, () -> countRefusals(daemon) > refusalsBefore, "a 'restart refused' line in the log");
        String refusal = daemon.logLines().stream().filter(l -> l.contains("restart refused")).reduce((a, b) -> b).orElseThrow();
        assertTrue(refusal.contains(reason), () -> "the log gives the reason '" + reason + "': " + refusal);

        // The old workers are untouched (the pool policy may have added one of the old configuration).
        PoolStatus status = daemon.status();
        assertTrue(status.workerPids().containsAll(workers), () -> "the old workers " + workers + " serve on:\n" + status.text());
        assertEquals("normal", status.parentStatus());
        for (DaemonUnderTest.WorkerEvent event : daemon.workerEvents()) {
            assertTrue(event.started() || !workers.contains(event.pid()), () -> "an old worker exited: " + event);
        }
        assertTrue(daemon.logLines().stream().noneMatch(l -> l.contains("cannot boot")), "no worker ran the invalid configuration");
        for (int i = 0; i < 4; i++) {
            try (Echo echo = new Echo(daemon.port())) {
                echo.roundTrip(Echo.randomBytes(new Random(i), 1000));
            }
        }
    }

    private static int countRefusals(DaemonUnderTest daemon) {
        return (int) daemon.logLines().stream().filter(l -> l.contains("supervisor: restart refused")).count();
    }
}
