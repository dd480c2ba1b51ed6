package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
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
import dm.it.kit.Processes;

/**
 * Workers killed at random (the kernel's OOM killer in a bad minute), booting ones too, under
 * load: the daemon never stops, each kill costs at most the one connection that worker held, and
 * the pool comes back to pool.min. 8 s in CI; -Ddm.faults.seconds=20 for the long form.
 */
@Isolated("kills every 100-250 ms")
@ExtendWith(DmExtension.class)
class FaultCampaignIT {
    static final int POOL_MIN = 4;
    static final long SECONDS = Long.getLong("dm.faults.seconds", 8);

    @TempDir
    Path dir;

    /** At least {@code count} workers past their boot: idle in accept() or busy (the load keeps them busy). */
    private static void awaitAccepting(DaemonUnderTest daemon, int count) {
        Await.until(Duration.ofSeconds(60), () -> {
            PoolStatus status = daemon.status();
            return status.count("idle") + status.count("busy") >= count;
        }, count + " workers accepting or busy in dm-ctl status");
    }

    @Test
    void randomKillsEvery100To250MsNeverStopTheDaemon(Daemons daemons) throws Exception {
        DaemonUnderTest daemon = daemons.start(dir, Map.of("pool.min", Integer.toString(POOL_MIN),
                "pool.max", "16", "worker.max-backoff-ms", "1000"));
        daemon.awaitIdleWorkers(POOL_MIN, Duration.ofSeconds(60));
        Random random = new Random(42);
        int kills = 0;
        int killsOfYoungWorkers = 0;
        int successesBefore;
        List<String> failures;
        long campaignEnd;
        try (EchoLoad load = new EchoLoad(daemon.port(), 4, 30_000)) {
            Await.until(Duration.ofSeconds(30), () -> load.successes() >= 50, "load under way");
            successesBefore = load.successes();
            long end = System.nanoTime() + Duration.ofSeconds(SECONDS).toNanos();
            while (System.nanoTime() - end < 0) {
                List<ProcessHandle> workers = daemon.workerProcesses();
                if (!workers.isEmpty()) {
                    ProcessHandle victim = workers.get(random.nextInt(workers.size()));
                    long age = Processes.ageMillis(victim.pid());
                    boolean young = age >= 0 && age < 1000;
                    if (victim.destroyForcibly()) {
                        kills++;
                        if (young) {
                            killsOfYoungWorkers++;
                        }
                    }
                }
                assertTrue(daemon.process().isAlive(), () -> "the daemon stopped during the campaign:\n"
                        + String.join("\n", daemon.logLines()));
                Thread.sleep(100 + random.nextInt(151)); // the campaign's own pace, not a wait for a condition
            }
            campaignEnd = System.nanoTime();
            awaitAccepting(daemon, POOL_MIN);
            long backMillis = (System.nanoTime() - campaignEnd) / 1_000_000;
            int afterCampaign = load.successes();
            Await.until(Duration.ofSeconds(30), () -> load.successes() >= afterCampaign + 50, "serving after the campaign");
            load.close();
            failures = load.failures();
            System.out.printf("FaultCampaignIT: %d s, %d kills (%d of workers under 1 s old), %d connections served,"
                    + " %d failed, pool back to pool.min %d accepting %d ms after the last kill%n", SECONDS, kills,
                    killsOfYoungWorkers, load.successes() - successesBefore, failures.size(), POOL_MIN, backMillis);
        }
        assertTrue(daemon.process().isAlive(), "the daemon survived");
        int killCount = kills;
        List<String> failed = failures;
        assertTrue(failed.size() <= killCount, () -> failed.size() + " failed connections for " + killCount + " kills: "
                + failed);
        assertTrue(killsOfYoungWorkers > 0, "some kills hit workers while they booted");
        assertEquals("normal", daemon.status().parentStatus());
        assertTrue(daemon.logLines().stream().noneMatch(l -> l.contains("cannot boot")), "never judged unable to boot");
    }
}
