package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import dm.it.kit.Repo;

/**
 * Issue 12, item 6: with JOURNAL_STREAM set (as systemd sets it for dm.service), every line of the
 * supervisor and of its workers (relayed through the supervisor) starts with its syslog priority and
 * has no timestamp of its own; errors printed before logging starts carry one too. Without the
 * variable LoggingIT checks the usual format.
 */
@ExtendWith(DmExtension.class)
class JournaldIT {
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** What systemd puts there: the device and inode of the journal stream. Any value turns it on. */
    static final Map<String, String> UNDER_SYSTEMD = Map.of("JOURNAL_STREAM", "8:424242");
    static final Pattern LINE = Pattern.compile("^<([3467])>(ERROR|WARN |INFO |DEBUG) dm\\[(\\d+)\\] (supervisor|slot \\d+): .*");

    @TempDir
    Path dir;

    @Test
    void everyLineCarriesItsPriorityAndNoTimestamp(Daemons daemons) throws Exception {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("worker.handler", "dm.it.handlers.ThrowingHandler");
        overrides.put("worker.classpath", HandlerJars.testHandlers(dir.resolve("handlers/test-handlers.jar")).toString());
        overrides.put("pool.min", "1");
        overrides.put("pool.max", "1");
        DaemonUnderTest daemon = daemons.start(dir, overrides, UNDER_SYSTEMD);
        long worker = daemon.awaitIdleWorkers(1, TIMEOUT).workerPids().iterator().next();

        // A worker warning (the handler throws), relayed by the supervisor.
        try (LineClient client = new LineClient(daemon.port())) {
            assertNull(client.ask("runtime"), "the handler threw: closed without a reply");
        }
        daemon.waitForLog("^<4>WARN  dm\\[" + worker + "\\] slot 0: handler failed on 127\\.0\\.0\\.1:\\d+: "
                + "java\\.lang\\.IllegalStateException: handler bug on purpose$", TIMEOUT);
        // A supervisor error: a restart with a broken configuration is refused.
        Map<String, String> broken = DaemonUnderTest.defaults(dir);
        broken.putAll(overrides);
        broken.put("pool.min", "lots");
        DaemonUnderTest.writeConfig(dir, "server.properties", broken);
        Exec.Result refused = Exec.ctl(dir, daemon.config(), "-restart");
        assertEquals(78, refused.exitCode(), refused::toString);
        daemon.waitForLog("^<3>ERROR dm\\[" + daemon.pid() + "\\] supervisor: restart refused", TIMEOUT);

        List<String> lines = daemon.logLines();
        boolean supervisorInfo = false;
        boolean workerInfo = false;
        for (String line : lines) {
            Matcher m = LINE.matcher(line);
            assertTrue(m.matches(), () -> "a line without its priority, or with a timestamp: '" + line + "'");
            String expected = switch (m.group(2).strip()) {
                case "ERROR" -> "3";
                case "WARN" -> "4";
                case "INFO" -> "6";
                default -> "7";
            };
            assertEquals(expected, m.group(1), () -> "priority of " + line);
            supervisorInfo |= m.group(1).equals("6") && m.group(4).equals("supervisor");
            workerInfo |= m.group(1).equals("6") && m.group(4).startsWith("slot ");
        }
        assertTrue(supervisorInfo && workerInfo, "info lines of the supervisor and of a worker:\n" + String.join("\n", lines));
        System.out.println("JournaldIT: " + lines.size() + " lines, each with its priority, e.g. " + lines.get(0));
    }

    /** An error before the daemon runs (dm-daemon's own line on stderr) is at priority err too. */
    @Test
    void aStartupErrorIsAnError(Daemons daemons) throws Exception {
        daemons.watch(dir);
        Map<String, String> properties = DaemonUnderTest.defaults(dir);
        properties.put("pool.min", "lots");
        Path config = DaemonUnderTest.writeConfig(dir, "bad.properties", properties);
        Exec.Result result = Exec.run(dir, TIMEOUT, List.of(Repo.daemonLauncher(), "-c", config.toString()), UNDER_SYSTEMD);
        assertEquals(78, result.exitCode(), result::toString);
        assertTrue(result.stderr().startsWith("<3>dm-daemon: " + config + ": pool.min = 'lots'"), result::toString);
        assertEquals(1, result.stderr().strip().lines().count(), result::toString);
    }
}
