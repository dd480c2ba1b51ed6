package dm.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.Echo;
import dm.it.kit.Exec;
import dm.it.kit.PoolStatus;
import dm.it.kit.Ports;
import dm.it.kit.Processes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 9, item 5: a symbolic link planted beside the scoreboard (in a directory another user can
 * write) must never aim the daemon, running as root here, at a file of that user's choosing. The
 * scoreboard, its lock and the configuration snapshot are refused with one line (77); a class
 * archive that is a link is not used.
 */
@ExtendWith(DmExtension.class)
class NoFollowIT {
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final String PRECIOUS = "root's precious file\n";

    @TempDir
    Path dir;

    private Daemons daemons;

    @BeforeEach
    void watchTheTestDirectory(Daemons daemons) {
        this.daemons = daemons;
        daemons.watch(dir);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"scoreboard, dm.scoreboard", "scoreboard lock, dm.scoreboard.lock",
        "configuration snapshot, dm.scoreboard.conf"})
    void aLinkBesideTheScoreboardIsRefusedAndItsTargetLeftAlone(String what, String name) throws Exception {
        Path victim = Files.writeString(dir.resolve("victim"), PRECIOUS);
        Path link = Files.createSymbolicLink(dir.resolve(name), victim);
        Map<String, String> properties = DaemonUnderTest.defaults(dir);
        int port = Ports.free();
        properties.put("server.port", Integer.toString(port));
        Path config = DaemonUnderTest.writeConfig(dir, "server.properties", properties);
        String refusal = "dm-daemon: " + what + " " + link + " is a symbolic link: refused (dm follows no links beside the"
                + " scoreboard)\n";

        Exec.Result check = Exec.daemon(dir, TIMEOUT, "--check", "-c", config.toString());
        Exec.Result start = Exec.daemon(dir, TIMEOUT, "-c", config.toString());
        System.out.println("NoFollowIT: " + what + ": --check exit " + check.exitCode() + ", start exit " + start.exitCode()
                + ": " + start.stderr().strip());
        for (Exec.Result result : List.of(check, start)) {
            assertEquals(77, result.exitCode(), () -> "exit code: " + result);
            assertEquals(refusal, result.stderr(), () -> "one line: " + result);
        }
        assertEquals("", start.stdout(), "nothing started");
        assertEquals(PRECIOUS, Files.readString(victim), "the link's target is untouched");
        assertTrue(Files.isSymbolicLink(link), "the link is left for the operator to look at");
        assertTrue(Ports.isFree(port), "nothing listens");
        assertTrue(Processes.mentioning(config).isEmpty(), "no JVM left");

        if (name.equals("dm.scoreboard")) {
            Exec.Result status = Exec.ctl(dir, config, "status");
            assertEquals(77, status.exitCode(), () -> "dm-ctl status on a scoreboard that is a link: " + status);
            assertEquals(refusal.replace("dm-daemon: ", "dm-ctl: "), status.stderr());
        }
    }

    @Test
    void aClassArchiveThatIsALinkIsNotUsed(Daemons daemons) throws Exception {
        Map<String, String> settings = Map.of("worker.class-archive", "true", "pool.min", "2", "pool.min-spare", "0");
        DaemonUnderTest first = daemons.start(dir, settings);
        first.waitForLog("class archive dm\\.scoreboard\\.worker-\\w+\\.(jsa|aot) written", TIMEOUT);
        assertEquals(0, Exec.ctl(dir, first.config(), "-fdown").exitCode());
        first.awaitExit(TIMEOUT);
        Path archive = archives().get(0);

        // Someone moves the archive away and leaves a link to "their" archive in its place.
        Path theirs = Files.move(archive, dir.resolve("theirs.jsa"));
        byte[] content = Files.readAllBytes(theirs);
        Files.createSymbolicLink(archive, theirs);

        DaemonUnderTest second = daemons.start(dir, settings);
        second.waitForLog("WARN  dm\\[\\d+\\] supervisor: class archive " + archive.toString().replace(".", "\\.")
                + " is a symbolic link: refused \\(dm follows no links beside the scoreboard\\); workers start without a"
                + " class archive$", TIMEOUT);
        PoolStatus status = second.awaitIdleWorkers(2, TIMEOUT);
        for (long pid : status.workerPids()) {
            String commandLine = ProcessHandle.of(pid).flatMap(p -> p.info().commandLine()).orElse("");
            assertFalse(commandLine.contains("SharedArchiveFile") || commandLine.contains("ArchiveClassesAtExit")
                    || commandLine.contains("-XX:AOT"),
                    () -> "worker " + pid + " uses no archive: " + commandLine);
        }
        try (Echo echo = new Echo(second.port())) {
            echo.roundTrip("served\n".getBytes(StandardCharsets.US_ASCII));
        }
        assertEquals(1, second.logLines().stream().filter(l -> l.contains("is a symbolic link")).count(),
                "said once, not for every worker");
        assertArrayEquals(content, Files.readAllBytes(theirs), "the link's target is untouched");
        assertTrue(Files.isSymbolicLink(archive));
    }

    private List<Path> archives() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("dm\\.scoreboard\\.worker-\\w+\\.(jsa|aot)"))
                    .sorted().collect(Collectors.toList());
        }
    }
}
