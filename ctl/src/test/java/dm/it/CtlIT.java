package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dm.it.kit.Checks;
import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.Exec;
import dm.it.kit.PoolStatus;

/** Requirement 8: dm-ctl without a daemon, with a bad scoreboard, with bad options, and status with a daemon. */
@ExtendWith(DmExtension.class)
class CtlIT {

    @TempDir
    Path dir;

    private Path config() {
        return DaemonUnderTest.writeConfig(dir, "server.properties", DaemonUnderTest.defaults(dir));
    }

    private static void assertFails(Exec.Result result, int exitCode, String mention) {
        assertEquals(exitCode, result.exitCode(), () -> "exit code: " + result);
        Checks.assertOneLine("stderr", result.stderr());
        assertTrue(result.stderr().startsWith("dm-ctl: "), () -> "stderr names the command: " + result);
        assertTrue(result.stderr().contains(mention), () -> "stderr should mention '" + mention + "': " + result);
    }

    @Test
    void statusWithoutDaemon() {
        assertFails(Exec.ctl(dir, config(), "status"), 69, "no daemon running");
    }

    @Test
    void waitDownWithoutDaemon() {
        assertFails(Exec.ctl(dir, config(), "-wdown"), 69, "no daemon running");
    }

    @Test
    void scoreboardThatIsATextFile() throws IOException {
        Path config = config();
        Files.writeString(dir.resolve("dm.scoreboard"), "just some text, not a Chronicle Map\n");
        assertFails(Exec.ctl(dir, config, "status"), 65, "not a dm scoreboard");
        assertFails(Exec.ctl(dir, config, "-fdown"), 65, "not a dm scoreboard");
    }

    @Test
    void unknownOption() {
        Exec.Result result = Exec.ctl(dir, config(), "--frobnicate");
        assertEquals(64, result.exitCode(), () -> "exit code: " + result);
        assertTrue(result.stderr().contains("--frobnicate"), () -> "names the option: " + result);
    }

    @Test
    void helpAndVersion() {
        Exec.Result help = Exec.ctl(dir, null, "--help");
        assertEquals(0, help.exitCode(), () -> "--help: " + help);
        assertTrue(help.stdout().contains("Usage: dm-ctl"), () -> "--help: " + help);
        Exec.Result version = Exec.ctl(dir, null, "--version");
        assertEquals(0, version.exitCode(), () -> "--version: " + version);
        assertTrue(version.stdout().startsWith("dm "), () -> "--version: " + version);
    }

    @Test
    void statusWithDaemonListsEveryLiveSlot(Daemons daemons) {
        DaemonUnderTest daemon = daemons.start(dir, Map.of("pool.min", "3", "pool.max", "5"));
        PoolStatus status = daemon.awaitIdleWorkers(3, Duration.ofSeconds(30));
        System.out.println("CtlIT: dm-ctl status:\n" + status.text());
        assertEquals(daemon.pid(), status.supervisorPid(), "supervisor pid");
        assertEquals("normal", status.parentStatus(), "parent status");
        assertEquals(3, status.rows().size(), "one row per live slot");
        Set<Long> fromLog = new TreeSet<>(daemon.liveWorkersByLog().values());
        assertEquals(fromLog, new TreeSet<>(status.workerPids()), "status pids are the workers the log started");
        Set<Long> children = new TreeSet<>();
        daemon.workerProcesses().forEach(p -> children.add(p.pid()));
        assertEquals(children, new TreeSet<>(status.workerPids()), "status pids are the supervisor's worker JVMs");
        for (PoolStatus.Row row : status.rows()) {
            assertEquals(daemon.liveWorkersByLog().get(row.slot()), Long.valueOf(row.pid()), "slot " + row.slot());
        }
    }
}
