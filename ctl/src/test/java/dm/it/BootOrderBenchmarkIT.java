package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

import dm.it.kit.Await;
import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.Exec;
import dm.it.kit.Figures;
import dm.it.kit.LogTimes;

/**
 * Benchmark, not a timed test: six workers started together (a daemon's start, from the class
 * archive), under each pool.max-booting in turn, rounds interleaved: when the first accepts and
 * when the last does, after the first spawn. 0 is the default (one alone while none accepts, then
 * as many as the machine has cores); 2 is the same limit without the lone first. Prints the figures,
 * asserts only that they were taken. Runs only with -Ddm.benchmarks=true.
 */
@ExtendWith(DmExtension.class)
@Isolated("a benchmark")
class BootOrderBenchmarkIT {
    private static final int AT_ONCE = 6;
    private static final List<String> MAX_BOOTING = List.of("0", "1", "2", "6");
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String WORKER_OPTIONS = "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -Xmx64m";

    @TempDir
    Path dir;

    @Test
    void firstAndLastAcceptingUnderEachMaxBooting(Daemons daemons) throws Exception {
        assumeTrue(Boolean.getBoolean("dm.benchmarks"), "a benchmark: runs with -Ddm.benchmarks=true");
        DaemonUnderTest trainer = daemons.start(dir, Map.of("pool.min", "1", "pool.max", "1", "pool.min-spare", "0",
                "worker.class-archive", "true", "worker.min-uptime-ms", "0", "worker.jvm-options", WORKER_OPTIONS));
        trainer.waitForLog("supervisor: class archive \\S+ written", TIMEOUT);
        Await.value(TIMEOUT, () -> Optional.ofNullable(trainer.liveWorkersByLog().get(0)), "the worker from the archive");
        stop(trainer);

        int rounds = Integer.getInteger("dm.benchmark.rounds", 2);
        for (int round = 0; round < rounds; round++) {
            for (String maxBooting : MAX_BOOTING) {
                DaemonUnderTest daemon = daemons.start(dir, Map.of("pool.min", "" + AT_ONCE, "pool.max", "" + AT_ONCE,
                        "pool.min-spare", "0", "worker.class-archive", "true", "worker.jvm-options", WORKER_OPTIONS,
                        "pool.max-booting", maxBooting));
                Await.until(TIMEOUT, () -> accepting(daemon.logLines()).size() >= AT_ONCE, AT_ONCE + " workers accepting");
                List<String> lines = daemon.logLines();
                long firstSpawn = LogTimes.find(lines, "supervisor: worker \\d+ \\(slot \\d+\\) started").get(0).millis();
                List<Long> after = new ArrayList<>();
                accepting(lines).forEach(hit -> after.add(hit.millis() - firstSpawn));
                System.out.printf("BootOrderBenchmarkIT: JDK %d, %d cores, load average %s, pool.max-booting %s: %d workers"
                        + " started together: first accepting %d ms after the first spawn, last %d ms %s%n",
                        Runtime.version().feature(), Runtime.getRuntime().availableProcessors(), Figures.loadAverage(), maxBooting,
                        AT_ONCE, after.get(0), after.get(after.size() - 1), after);
                assertEquals(AT_ONCE, after.size());
                stop(daemon);
            }
        }
    }

    private static List<LogTimes.Hit> accepting(List<String> lines) {
        return LogTimes.find(lines, "slot \\d+: accepting connections");
    }

    private void stop(DaemonUnderTest daemon) {
        assertEquals(0, Exec.ctl(dir, daemon.config(), "-fdown").exitCode());
        daemon.awaitExit(TIMEOUT);
    }
}
