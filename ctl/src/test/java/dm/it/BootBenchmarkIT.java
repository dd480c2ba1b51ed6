package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

import dm.it.kit.Await;
import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.Exec;
import dm.it.kit.LogTimes;

/**
 * Benchmark, not a timed test: how long a worker takes from the supervisor's spawn to accepting,
 * against a bare JVM ({@code java -version} with the workers' JVM options) measured in the same run,
 * turn and turn about; then how soon the first of many workers started at once accepts. It prints
 * the figures and asserts only that they were taken. Runs only with -Ddm.benchmarks=true.
 */
@ExtendWith(DmExtension.class)
@Isolated("a benchmark")
class BootBenchmarkIT {
    private static final int ROUNDS = 5;
    private static final int AT_ONCE = 6;
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String WORKER_OPTIONS = "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -Xmx64m";

    @TempDir
    Path dir;

    @Test
    void spawnToAcceptingAgainstABareJvm(Daemons daemons) throws Exception {
        assumeTrue(Boolean.getBoolean("dm.benchmarks"), "a benchmark: runs with -Ddm.benchmarks=true");
        DaemonUnderTest daemon = daemons.start(dir, Map.of("pool.min", "1", "pool.max", "2", "pool.min-spare", "0",
                "worker.class-archive", "true", "worker.min-uptime-ms", "0", "worker.jvm-options", WORKER_OPTIONS));
        daemon.waitForLog("supervisor: class archive \\S+ written", TIMEOUT);
        awaitAccepting(daemon, Await.value(TIMEOUT, () -> java.util.Optional.ofNullable(daemon.liveWorkersByLog().get(0)),
                "the worker that replaces the trainer"));

        List<Long> bare = new ArrayList<>();
        List<Long> bareCpu = new ArrayList<>();
        List<Long> worker = new ArrayList<>();
        List<Long> workerCpu = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            long[] bareRun = bareJvm();
            bare.add(bareRun[0]);
            bareCpu.add(bareRun[1]);
            long[] workerRun = respawn(daemon);
            worker.add(workerRun[0]);
            workerCpu.add(workerRun[1]);
        }
        System.out.printf("BootBenchmarkIT: JDK %d, %d cores, load average %s: bare JVM (java -version) median %d ms"
                + " %s, CPU %d ms %s; worker spawn to accepting (from the class archive) median %d ms %s, CPU %d ms %s;"
                + " ratio %.1f (wall), %.1f (CPU)%n", Runtime.version().feature(),
                Runtime.getRuntime().availableProcessors(), loadAverage(), median(bare), bare, median(bareCpu), bareCpu,
                median(worker), worker, median(workerCpu), workerCpu, (double) median(worker) / median(bare),
                (double) median(workerCpu) / Math.max(1, median(bareCpu)));
        assertEquals(ROUNDS, worker.size());

        // A second daemon reuses the archive and starts AT_ONCE workers together.
        assertEquals(0, Exec.ctl(dir, daemon.config(), "-fdown").exitCode());
        daemon.awaitExit(TIMEOUT);
        DaemonUnderTest many = daemons.start(dir, Map.of("pool.min", "" + AT_ONCE, "pool.max", "" + AT_ONCE,
                "pool.min-spare", "0", "worker.class-archive", "true", "worker.jvm-options", WORKER_OPTIONS));
        Await.until(TIMEOUT, () -> LogTimes.find(many.logLines(), "slot \\d+: accepting connections").size() >= AT_ONCE,
                AT_ONCE + " workers accepting");
        List<String> lines = many.logLines();
        long first = LogTimes.find(lines, "supervisor: worker \\d+ \\(slot \\d+\\) started").get(0).millis();
        List<LogTimes.Hit> accepting = LogTimes.find(lines, "slot \\d+: accepting connections");
        List<Long> after = new ArrayList<>();
        accepting.forEach(hit -> after.add(hit.millis() - first));
        System.out.printf("BootBenchmarkIT: JDK %d, %d cores: %d workers started together (from the class archive):"
                + " first accepting %d ms after the first spawn, last %d ms %s%n", Runtime.version().feature(),
                Runtime.getRuntime().availableProcessors(), AT_ONCE, after.get(0), after.get(after.size() - 1), after);
        assertTrue(after.size() >= AT_ONCE);
    }

    /** Kills the pool's one worker; its replacement's spawn-to-accepting time (from the log) and CPU time then. */
    private static long[] respawn(DaemonUnderTest daemon) {
        long victim = daemon.liveWorkersByLog().get(0);
        int before = daemon.logLines().size();
        assertTrue(ProcessHandle.of(victim).map(ProcessHandle::destroyForcibly).orElse(false), "kill " + victim);
        LogTimes.Hit started = Await.value(TIMEOUT, () -> {
            List<String> lines = daemon.logLines();
            return LogTimes.find(lines.subList(Math.min(before, lines.size()), lines.size()),
                    "supervisor: worker (\\d+) \\(slot 0\\) started").stream().findFirst();
        }, "the replacement of worker " + victim);
        long pid = Long.parseLong(started.group(1));
        long accepting = awaitAccepting(daemon, pid);
        return new long[] {accepting - started.millis(), cpuMillis(Long.toString(pid), 13)};
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    /**
     * From /proc/PID/stat, in ms: {@code first} 13 for utime + stime, 15 for cutime + cstime (the
     * CPU of the children this process has reaped).
     */
    private static long cpuMillis(String pid, int first) {
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[first - 2]) + Long.parseLong(fields[first - 1])) * 10;
        } catch (IOException e) {
            return -1;
        }
    }

    /** The time of worker {@code pid}'s "accepting" line, once it is there. */
    private static long awaitAccepting(DaemonUnderTest daemon, long pid) {
        return Await.value(TIMEOUT, () -> LogTimes.find(daemon.logLines(), "dm\\[" + pid + "\\] slot \\d+: accepting")
                .stream().findFirst(), "worker " + pid + " accepting").millis();
    }

    /**
     * Wall time and CPU time of {@code java -version} with the workers' options (no dm, no class
     * path); its CPU is what this JVM's reaped children used meanwhile.
     */
    private long[] bareJvm() {
        long childrenBefore = cpuMillis("self", 15);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(WORKER_OPTIONS.split(" ")));
        command.add("-version");
        Exec.Result result = Exec.run(dir, TIMEOUT, command);
        assertEquals(0, result.exitCode(), result::toString);
        return new long[] {result.elapsed().toMillis(), cpuMillis("self", 15) - childrenBefore};
    }
}
