package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dm.it.kit.Checks;
import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.Exec;
import dm.it.kit.HandlerJars;
import dm.it.kit.LineClient;
import dm.it.kit.Ports;
import dm.it.kit.Processes;

/**
 * handler.* keys of server.properties reach the handler (configure, then WorkerContext.settings()),
 * typed and with defaults; a value the handler refuses is a bad configuration, exit 78 with the key
 * named, at dm-daemon --check, at start and at dm-ctl -restart (which re-reads them); a value refused
 * only in the start hook stops the workers' boot (76), the line naming the key.
 */
@ExtendWith(DmExtension.class)
class HandlerSettingsIT {
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final String GREETER = "settings.GreeterHandler";
    static final String LATE = "settings.LateCheckHandler";

    static final String GREETER_SOURCE = """
            package settings;

            import java.io.BufferedReader;
            import java.io.InputStreamReader;
            import java.io.OutputStream;
            import java.nio.charset.StandardCharsets;
            import java.util.Locale;

            import dm.handler.Connection;
            import dm.handler.ConnectionHandler;
            import dm.handler.HandlerSettings;
            import dm.handler.WorkerContext;

            public final class GreeterHandler implements ConnectionHandler {
                private HandlerSettings configured;
                private String greeting;
                private int repeat;
                private long pauseMillis;
                private boolean shout;
                private WorkerContext worker;

                @Override
                public void configure(HandlerSettings settings) {
                    configured = settings;
                    greeting = settings.setting("handler.greeting", "hello");
                    if (greeting.length() > 20) {
                        throw settings.invalid("handler.greeting", "at most 20 characters");
                    }
                    repeat = settings.intSetting("handler.repeat", 1, 1, 5);
                    pauseMillis = settings.durationMillis("handler.pause", 0);
                    shout = settings.booleanSetting("handler.shout", false);
                }

                @Override
                public void start(WorkerContext context) {
                    worker = context;
                    context.log().info("greeter: {} x{}", greeting, repeat);
                }

                @Override
                public void handle(Connection connection) throws Exception {
                    BufferedReader in = new BufferedReader(new InputStreamReader(connection.input(), StandardCharsets.UTF_8));
                    OutputStream out = connection.output();
                    String line;
                    while ((line = in.readLine()) != null) {
                        String word = shout ? greeting.toUpperCase(Locale.ROOT) : greeting;
                        String reply = word + ", " + line + " repeat=" + repeat + " pause=" + pauseMillis + " keys="
                                + worker.settings().keys() + " same=" + (worker.settings() == configured) + "\\n";
                        out.write(reply.getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    }
                }
            }
            """;

    /** Has no configure step: it reads its setting in start, so only a worker finds a bad value. */
    static final String LATE_SOURCE = """
            package settings;

            import dm.handler.Connection;
            import dm.handler.ConnectionHandler;
            import dm.handler.WorkerContext;

            public final class LateCheckHandler implements ConnectionHandler {
                @Override
                public void start(WorkerContext context) {
                    context.log().info("late check: port {}", context.settings().intSetting("handler.port", 80, 1, 65535));
                }

                @Override
                public void handle(Connection connection) {
                }
            }
            """;

    @TempDir
    Path dir;

    private Path jar;

    /** The defaults, the greeter deployed from a jar compiled now, and {@code handlerSettings}. */
    private Map<String, String> deployed(Map<String, String> handlerSettings) {
        if (jar == null) {
            jar = HandlerJars.compile(dir, dir.resolve("handlers/settings-handlers.jar"),
                    Map.of(GREETER, GREETER_SOURCE, LATE, LATE_SOURCE));
        }
        Map<String, String> properties = DaemonUnderTest.defaults(dir);
        properties.put("pool.max", "2"); // two workers, no spare: a restart replaces two JVMs, no more
        properties.put("pool.min-spare", "0");
        properties.put("worker.handler", GREETER);
        properties.put("worker.classpath", jar.toString());
        properties.putAll(handlerSettings);
        return properties;
    }

    @Test
    void settingsReachTheHandlerAndARestartReReadsThem(Daemons daemons) throws Exception {
        Map<String, String> first = deployed(Map.of("handler.greeting", "hi", "handler.repeat", "2", "handler.pause", "1s",
                "handler.shout", "off"));
        DaemonUnderTest daemon = daemons.start(dir, DaemonUnderTest.writeConfig(dir, "server.properties", first));
        Set<Long> before = daemon.awaitIdleWorkers(2, TIMEOUT).workerPids();
        assertEquals("hi, Ada repeat=2 pause=1000 keys=[handler.greeting, handler.pause, handler.repeat, handler.shout] same=true",
                LineClient.askOnce(daemon.port(), "Ada"));

        // -restart re-reads the file: new values, a key gone (its default again), a key added.
        Map<String, String> second = new HashMap<>(first);
        second.put("handler.greeting", "salut");
        second.put("handler.shout", "yes");
        second.remove("handler.pause");
        DaemonUnderTest.writeConfig(dir, "server.properties", second);
        Exec.Result restart = Exec.ctl(dir, daemon.config(), "-restart");
        assertEquals(0, restart.exitCode(), () -> "dm-ctl -restart: " + restart);
        Set<Long> after = daemon.awaitIdleWorkers(2, TIMEOUT).workerPids();
        assertTrue(after.stream().noneMatch(before::contains), () -> "fresh workers: " + before + " then " + after);
        for (int i = 0; i < 4; i++) {
            assertEquals("SALUT, Bob repeat=2 pause=0 keys=[handler.greeting, handler.repeat, handler.shout] same=true",
                    LineClient.askOnce(daemon.port(), "Bob"));
        }

        // A value the handler refuses refuses the restart (78), like any bad value; the workers serve on.
        Map<String, String> refused = new HashMap<>(second);
        refused.put("handler.repeat", "9");
        DaemonUnderTest.writeConfig(dir, "server.properties", refused);
        long startNanos = System.nanoTime();
        Exec.Result refusedRestart = Exec.ctl(dir, daemon.config(), "-restart");
        System.out.printf("HandlerSettingsIT: refused restart answered in %d ms: %s%n",
                (System.nanoTime() - startNanos) / 1_000_000, refusedRestart.stderr().strip());
        assertEquals(78, refusedRestart.exitCode(), () -> "dm-ctl -restart with handler.repeat = 9: " + refusedRestart);
        Checks.assertOneLine("dm-ctl stderr", refusedRestart.stderr());
        daemon.waitForLog("supervisor: restart refused, the workers keep running as they are: "
                + java.util.regex.Pattern.quote(daemon.config() + ": handler.repeat = '9': must be between 1 and 5 (refused by "
                        + GREETER + ")") + "$", TIMEOUT);
        assertTrue(daemon.status().workerPids().containsAll(after), "the workers of the last good configuration serve on");
        assertEquals("SALUT, Cy repeat=2 pause=0 keys=[handler.greeting, handler.repeat, handler.shout] same=true",
                LineClient.askOnce(daemon.port(), "Cy"));
        assertNoCheckJvmLeft();
    }

    @Test
    void aValueTheHandlerRefusesIsABadConfigurationAtCheckAndAtStart(Daemons daemons) {
        assertCheckRefuses(Map.of("handler.repeat", "lots"), "handler.repeat = 'lots': not an integer (refused by " + GREETER + ")");
        assertCheckRefuses(Map.of("handler.pause", "soon"), "handler.pause = 'soon': must be a duration such as 250ms, 30s,"
                + " 5m or 2h (a plain number is milliseconds) (refused by " + GREETER + ")");
        assertCheckRefuses(Map.of("handler.greeting", "good morning to you all"),
                "handler.greeting = 'good morning to you all': at most 20 characters (refused by " + GREETER + ")");
        assertCheckRefuses(Map.of("handlr.greeting", "hi"), "unknown key 'handlr.greeting'"); // only handler.* is open
        Path good = DaemonUnderTest.writeConfig(dir, "good.properties", deployed(Map.of("handler.repeat", "5")));
        long startNanos = System.nanoTime();
        Exec.Result ok = Exec.daemon(dir, TIMEOUT, "--check", "-c", good.toString());
        System.out.printf("HandlerSettingsIT: dm-daemon --check with the handler's configure step: %d ms%n",
                (System.nanoTime() - startNanos) / 1_000_000);
        assertEquals(0, ok.exitCode(), () -> "dm-daemon --check: " + ok);

        // Started for real: refused before any worker starts, and nothing left behind.
        daemons.watch(dir);
        int port = Ports.free();
        Map<String, String> properties = deployed(Map.of("handler.repeat", "0"));
        properties.put("server.port", Integer.toString(port));
        Path config = DaemonUnderTest.writeConfig(dir, "server.properties", properties);
        Exec.Result start = Exec.daemon(dir, TIMEOUT, "-c", config.toString());
        System.out.println("HandlerSettingsIT: start -> exit " + start.exitCode() + ", stderr: " + start.stderr().strip());
        assertEquals(78, start.exitCode(), () -> "dm-daemon with handler.repeat = 0: " + start);
        assertEquals("dm-daemon: " + config + ": handler.repeat = '0': must be between 1 and 5 (refused by " + GREETER + ")",
                start.stderr().strip());
        assertFalse(start.stdout().contains(") started"), () -> "a worker was started: " + start);
        assertTrue(Processes.dmJvmsMentioning(config).isEmpty(), "no dm JVM left");
        assertTrue(Ports.isFree(port), "port " + port + " free");
        assertEquals(List.of(), Checks.scoreboardLeftovers(dir), "scoreboard files left");
        assertNoCheckJvmLeft();
    }

    @Test
    void aValueRefusedInTheStartHookStopsTheWorkersBootNamingTheKey(Daemons daemons) {
        Map<String, String> properties = deployed(Map.of("handler.port", "eighty"));
        properties.put("worker.handler", LATE);
        DaemonUnderTest daemon = daemons.start(dir, DaemonUnderTest.writeConfig(dir, "server.properties", properties));
        assertEquals(76, daemon.awaitExit(TIMEOUT), "daemon exit code");
        List<String> bootErrors = daemon.logLines().stream().filter(l -> l.matches(".* dm\\[\\d+\\] slot \\d+: cannot boot: .*"))
                .collect(Collectors.toList());
        System.out.println("HandlerSettingsIT: " + (bootErrors.isEmpty() ? "no boot error" : bootErrors.get(0)));
        assertFalse(bootErrors.isEmpty(), "a worker says why it cannot boot");
        for (String line : bootErrors) {
            assertTrue(line.matches(".* dm\\[\\d+\\] slot \\d+: cannot boot: handler\\.port = 'eighty': not an integer"
                    + " \\(refused by settings\\.LateCheckHandler\\)$"), () -> "the line names the key and the value: " + line);
        }
        assertTrue(daemon.logContains("supervisor: workers cannot boot: .*; stopping$"), "the supervisor says why it stops");
    }

    private void assertCheckRefuses(Map<String, String> handlerSettings, String reason) {
        Path config = DaemonUnderTest.writeConfig(dir, "check.properties", deployed(handlerSettings));
        Exec.Result check = Exec.daemon(dir, TIMEOUT, "--check", "-c", config.toString());
        System.out.println("HandlerSettingsIT: --check -> exit " + check.exitCode() + ", stderr: " + check.stderr().strip());
        assertEquals(78, check.exitCode(), () -> "dm-daemon --check: " + check);
        Checks.assertOneLine("stderr", check.stderr());
        assertEquals("dm-daemon: " + config + ": " + reason, check.stderr().strip());
    }

    /** The JVM that runs the handler's configure step for the preflight is gone once the answer is in. */
    private void assertNoCheckJvmLeft() {
        List<String> left = ProcessHandle.allProcesses()
                .filter(p -> p.isAlive() && p.info().commandLine().orElse("").contains("dm.worker.HandlerCheckMain")
                        && p.info().commandLine().orElse("").contains(dir.toString()))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("")).collect(Collectors.toList());
        assertEquals(List.of(), left, "handler check JVMs left");
    }
}
