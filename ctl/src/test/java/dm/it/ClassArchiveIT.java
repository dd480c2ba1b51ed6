package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
import dm.it.kit.Exec;
import dm.it.kit.LogTimes;
import dm.it.kit.PoolStatus;

/**
 * worker.class-archive: the first worker writes an AppCDS archive (JDK 17) or an AOT cache (JDK 25)
 * beside the scoreboard, later
 * workers start from it, a second daemon reuses it, and a change of worker.jvm-options makes a new
 * one. Prints the start-up time of workers with and without it.
 */
@ExtendWith(DmExtension.class)
class ClassArchiveIT {
    private static final Pattern ACCEPTING =
            Pattern.compile("dm\\[(\\d+)\\] slot \\d+: accepting connections \\((\\d+) ms after it was spawned\\)");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void trainerWritesTheArchiveLaterWorkersUseItAndItIsReusedAndRenewed(Daemons daemons) throws Exception {
        Map<String, String> settings = Map.of("worker.class-archive", "true", "pool.min", "2", "pool.min-spare", "0");
        DaemonUnderTest first = daemons.start(dir, settings);
        first.waitForLog("class archive dm\\.scoreboard\\.worker-\\w+\\.(jsa|aot) written", TIMEOUT);
        List<Path> archives = archives();
        assertEquals(1, archives.size(), "one archive beside the scoreboard: " + archives);

        // The trainer is replaced by a worker from the archive; after a restart every worker uses it.
        Exec.Result restart = Exec.ctl(dir, first.config(), "-restart");
        assertEquals(0, restart.exitCode(), restart::toString);
        PoolStatus status = first.awaitIdleWorkers(2, TIMEOUT);
        assertEquals(2, status.workerPids().size(), () -> "pool size after training and restart:\n" + status.text());
        for (long pid : status.workerPids()) {
            String uses = Runtime.version().feature() >= 25 ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=";
            assertTrue(commandLine(pid).contains(uses + archives.get(0)),
                    () -> "worker " + pid + " starts from the archive: " + commandLine(pid));
        }
        try (Echo echo = new Echo(first.port())) {
            echo.roundTrip(Echo.randomBytes(new Random(1), 2000));
        }
        List<Long> startsBefore = acceptingMillis(first, false);
        List<Long> startsAfter = acceptingMillis(first, true);
        System.out.printf("ClassArchiveIT: spawn to accepting without the archive %s ms, with it %s ms%n", startsBefore,
                startsAfter);
        assertEquals(0, Exec.ctl(dir, first.config(), "-wdown").exitCode());
        assertEquals(0, first.awaitExit(TIMEOUT));

        // A second daemon on the same scoreboard path finds the archive: no trainer.
        DaemonUnderTest second = daemons.start(dir, settings);
        second.awaitIdleWorkers(2, TIMEOUT);
        assertFalse(second.logContains("leaves to write the class archive"), "the archive is reused");
        assertEquals(archives, archives());
        assertEquals(0, Exec.ctl(dir, second.config(), "-fdown").exitCode());
        second.awaitExit(TIMEOUT);

        // Other worker options, other archive: the stale one goes, a trainer writes a new one.
        DaemonUnderTest third = daemons.start(dir, Map.of("worker.class-archive", "true", "pool.min", "2",
                "pool.min-spare", "0", "worker.jvm-options", "-XX:+UseSerialGC -Xss512k -Xmx48m"));
        third.waitForLog("class archive dm\\.scoreboard\\.worker-\\w+\\.(jsa|aot) written", TIMEOUT);
        List<Path> renewed = archives();
        assertEquals(1, renewed.size(), "one archive: " + renewed);
        assertFalse(renewed.equals(archives), "a new archive for the new options");
    }

    @Test
    void anArchiveTheJvmCannotUseIsRefusedLoudlyAndTheWorkerStartsWithoutIt(Daemons daemons) throws Exception {
        DaemonUnderTest daemon = daemons.start(dir, Map.of("worker.class-archive", "true", "pool.min", "1",
                "pool.min-spare", "0", "worker.min-uptime-ms", "0"));
        daemon.waitForLog("class archive dm\\.scoreboard\\.worker-\\w+\\.(jsa|aot) written", TIMEOUT);
        Path archive = archives().get(0);
        int written = LogTimes.indexOf(daemon.logLines(), "class archive \\S+ written", 0);
        long fromArchive = Await.value(TIMEOUT, () -> {
            List<String> lines = daemon.logLines();
            int started = LogTimes.indexOf(lines, "supervisor: worker \\d+ \\(slot 0\\) started", written);
            return started < 0 ? java.util.Optional.empty()
                    : java.util.Optional.of(Long.parseLong(lines.get(started).replaceAll(".* worker (\\d+) .*", "$1")));
        }, "the worker started from the archive");
        daemon.waitForLog("dm\\[" + fromArchive + "\\] slot 0: accepting", TIMEOUT);

        // The archive is damaged (or made by another JDK): the next worker must not start without a word.
        Files.delete(archive); // the JVM made it read-only
        Files.write(archive, new byte[4096]);
        ProcessHandle.of(fromArchive).ifPresent(ProcessHandle::destroyForcibly);
        daemon.waitForLog("WARN  dm\\[\\d+\\] supervisor: worker \\d+ \\(slot 0\\): the JVM refused the class archive "
                + archive.getFileName().toString().replace(".", "\\.") + " \\(see its output above\\); archive removed",
                TIMEOUT);
        PoolStatus status = daemon.awaitIdleWorkers(1, TIMEOUT);
        try (Echo echo = new Echo(daemon.port())) {
            echo.roundTrip("still served\n".getBytes(StandardCharsets.US_ASCII));
        }
        assertFalse(daemon.logContains("workers cannot boot"), "the refusal is the archive's, not the pool's");
        assertEquals(1, status.workerPids().size());
    }

    private List<Path> archives() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("dm\\.scoreboard\\.worker-\\w+\\.(jsa|aot)"))
                    .sorted().collect(Collectors.toList());
        }
    }

    /** Spawn-to-accepting times of the workers started after (or before) the archive was written. */
    private static List<Long> acceptingMillis(DaemonUnderTest daemon, boolean withArchive) {
        Pattern started = Pattern.compile("supervisor: worker (\\d+) \\(slot \\d+\\) started");
        java.util.Set<String> fromArchive = new java.util.HashSet<>();
        boolean archiveWritten = false;
        for (String line : daemon.logLines()) {
            archiveWritten |= line.contains("supervisor: class archive");
            Matcher m = started.matcher(line);
            if (archiveWritten && m.find()) {
                fromArchive.add(m.group(1));
            }
        }
        List<Long> millis = new java.util.ArrayList<>();
        for (String line : daemon.logLines()) {
            Matcher m = ACCEPTING.matcher(line);
            if (m.find() && fromArchive.contains(m.group(1)) == withArchive) {
                millis.add(Long.parseLong(m.group(2)));
            }
        }
        return millis;
    }

    private static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ');
        } catch (Exception e) {
            return "(gone: " + e + ")";
        }
    }
}
