package dm.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

import dm.it.kit.Await;
import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.EchoLoad;
import dm.it.kit.Exec;
import dm.it.kit.LogTimes;
import dm.it.kit.PoolStatus;

/**
 * How soon the supervisor notices a worker's death under load: from kill -9 to the log line that
 * names the exit, and to the replacement's "started" line. Prints figures; asserts only that every
 * kill was noticed and replaced. Printed once per CI run, on JDK 17: 6 kills; -Ddm.exit-latency.kills=30
 * for a p99 worth the name.
 */
@Isolated("a benchmark")
@ExtendWith(DmExtension.class)
class ExitLatencyBenchmarkIT {
    static final int KILLS = Integer.getInteger("dm.exit-latency.kills", 6);

    @TempDir
    Path dir;

    /** Each kill waits for its replacement to accept: 30 of them take more than the default 3 minutes on a loaded machine. */
    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void everyKillIsNoticedAndReplacedAtOnce(Daemons daemons) throws Exception {
        assumeTrue(Boolean.getBoolean("dm.benchmarks"), "a benchmark: runs with -Ddm.benchmarks=true");
        DaemonUnderTest daemon = daemons.start(dir, Map.of("pool.min", "4", "pool.max", "8"));
        daemon.awaitIdleWorkers(4, Duration.ofSeconds(60));
        Random random = new Random(7);
        List<Long> toLog = new ArrayList<>();
        List<Long> toRespawn = new ArrayList<>();
        try (EchoLoad load = new EchoLoad(daemon.port(), 4, 30_000)) {
            Await.until(Duration.ofSeconds(30), () -> load.successes() >= 50, "load under way");
            for (int i = 0; i < KILLS; i++) {
                List<Map.Entry<Integer, Long>> live = new ArrayList<>(daemon.liveWorkersByLog().entrySet());
                Map.Entry<Integer, Long> victim = live.get(random.nextInt(live.size()));
                int slot = victim.getKey();
                long pid = victim.getValue();
                int linesBefore = daemon.logLines().size();
                long killedAt = System.currentTimeMillis();
                assertTrue(ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false), "kill " + pid);
                String exitLine = "supervisor: worker " + pid + " \\(slot " + slot + "\\) killed by signal SIGKILL";
                String startLine = "supervisor: worker \\d+ \\(slot " + slot + "\\) started$";
                LogTimes.Hit[] hits = Await.value(Duration.ofSeconds(30), () -> {
                    List<String> lines = daemon.logLines();
                    List<String> fresh = lines.subList(Math.min(linesBefore, lines.size()), lines.size());
                    List<LogTimes.Hit> exits = LogTimes.find(fresh, exitLine);
                    List<LogTimes.Hit> starts = LogTimes.find(fresh, startLine);
                    return exits.isEmpty() || starts.isEmpty() ? java.util.Optional.empty()
                            : java.util.Optional.of(new LogTimes.Hit[] {exits.get(0), starts.get(0)});
                }, "worker " + pid + "'s exit and its replacement in the log");
                toLog.add(hits[0].millis() - killedAt);
                toRespawn.add(hits[1].millis() - killedAt);
                String replacement = hits[1].line().replaceAll(".* worker (\\d+) \\(slot.*", "$1");
                daemon.waitForLog("dm\\[" + replacement + "\\] slot " + slot + ": accepting connections",
                        Duration.ofSeconds(60)); // the pool is whole again before the next kill
            }
            load.close();
        }
        System.out.printf("ExitLatencyBenchmarkIT: %d kills under load; kill to exit logged: median %d ms, p99 %d ms;"
                + " kill to replacement started: median %d ms, p99 %d ms%n", KILLS, percentile(toLog, 50),
                percentile(toLog, 99), percentile(toRespawn, 50), percentile(toRespawn, 99));
    }

    private static long percentile(List<Long> values, int percent) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
