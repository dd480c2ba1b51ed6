package dm.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dm.ExitCodes;
import dm.config.ServerConfig;
import dm.scoreboard.Scoreboard;

/** pool.max-booting: how many worker JVMs boot at once, and that the others get their turn at once. */
class SpawnerTest {
    @TempDir
    Path directory;

    @Test
    void startsNoMoreThanMaxBootingAtOnceAndTheNextAsSoonAsOneAccepts() throws Exception {
        try (LoopHarness loop = new LoopHarness(directory, Map.of("pool.min", "5", "pool.max", "8",
                "pool.min-spare", "0", "pool.max-booting", "2"))) {
            loop.turn();
            assertEquals(2, loop.live(), "two boot, three wait for their turn");
            assertEquals(List.of(0, 1), slots(loop), "the lowest slots first");
            loop.launcher.inSlot(0).accept();
            loop.turn(); // no tick needed: the loop looks again soon while workers wait
            assertEquals(3, loop.live());
            loop.launcher.inSlot(1).exit(ExitCodes.WORKER_LEFT); // a booting worker that dies frees its turn too
            loop.turn();
            assertEquals(List.of(0, 2, 3), slots(loop), "slot 3 took the turn of the dead one (which backs off)");
            for (int i = 0; i < 10; i++) {
                loop.launcher.allAccept();
                loop.tick();
            }
            assertEquals(5, loop.live(), "every slot of pool.min has a worker in the end");
            assertEquals(6, loop.launcher.started().size(), "five and the replacement of the one that died");
        }
    }

    @Test
    void byDefaultOneBootsAloneUntilAWorkerAcceptsThenAsManyAsTheMachineHasCores() throws Exception {
        try (LoopHarness loop = new LoopHarness(directory, Map.of("pool.min", "6", "pool.max", "8",
                "pool.min-spare", "0", "pool.max-booting", "0"))) {
            loop.turn();
            assertEquals(List.of(0), slots(loop), "none accepts yet: the first boots alone");
            loop.launcher.inSlot(0).exit(ExitCodes.WORKER_LEFT);
            loop.clock.advanceMillis(1_000); // past any crash back-off
            loop.turn();
            assertEquals(1, loop.live(), "still none accepts: one at a time");
            loop.launcher.allAccept();
            loop.turn();
            int cores = Runtime.getRuntime().availableProcessors();
            assertEquals(Math.min(6, 1 + cores), loop.live(), "one accepts: then the cores' worth boot together");
        }
    }

    @Test
    void aServingWorkerThatDiesIsReplacedAtOnceEvenWhileOthersWaitTheirTurn() throws Exception {
        try (LoopHarness loop = new LoopHarness(directory, Map.of("pool.min", "3", "pool.max", "8",
                "pool.min-spare", "0", "pool.max-booting", "1", "worker.min-uptime-ms", "1000"))) {
            loop.turn();
            loop.launcher.inSlot(0).accept();
            loop.turn();
            assertEquals(List.of(0, 1), slots(loop), "slot 1 boots, slot 2 waits its turn");
            loop.clock.advanceMillis(1_000); // slot 0's worker has lived long enough: no crash back-off
            FakeLauncher.FakeWorker served = loop.launcher.inSlot(0);
            served.exit(128 + 9); // SIGKILL from outside (the OOM killer) after it accepted
            loop.turn();
            assertTrue(loop.launcher.inSlot(0) != served, "the dead worker's replacement started on the turn that reaped it");
            assertEquals(List.of(0, 1), slots(loop), "slot 2 still waits: only a lost worker skips the queue");
            assertEquals(3, loop.launcher.started().size());

            loop.launcher.inSlot(1).exit(128 + 9); // killed before it accepted: nothing was lost
            loop.clock.advanceMillis(1_000); // past any crash back-off
            loop.turn();
            assertEquals(List.of(0), slots(loop), "slot 1's replacement waits while slot 0's boots");
            loop.launcher.inSlot(0).accept();
            loop.turn();
            assertEquals(List.of(0, 1), slots(loop), "then it has its turn");
        }
    }

    @Test
    void whileWorkersWaitTheLoopWakesSoonAndDoesNotSpin() throws Exception {
        Path config = directory.resolve("server.properties");
        Files.writeString(config, "pool.min = 3\npool.max = 4\npool.max-booting = 1\nworker.class-archive = false\n"
                + "scoreboard.file = " + directory.resolve("scoreboard") + "\n");
        ServerConfig settings = ServerConfig.load(config);
        Scoreboard scoreboard = Scoreboard.create(settings.scoreboardFile(), settings.poolMax());
        try {
            FakeClock clock = new FakeClock();
            Pool pool = new Pool(scoreboard, settings, clock);
            FakeLauncher launcher = new FakeLauncher(scoreboard);
            Spawner spawner = new Spawner(pool, launcher, clock, event -> { });
            Generation generation = Generation.first(settings, 1, false);
            long tick = clock.nanoTime() + 1_000_000_000L;
            assertEquals(tick, spawner.nextDueNanos(tick), "nothing due: the next tick");
            for (int slot = 0; slot < 3; slot++) {
                pool.replaceNow(slot);
            }
            spawner.spawnMissingWorkers(generation);
            assertEquals(1, launcher.alive().size());
            long wake = spawner.nextDueNanos(tick);
            assertTrue(wake - clock.nanoTime() > 0, "not now: that would spin while the first boots");
            assertEquals(clock.nanoTime() + Spawner.WAITING_POLL_NANOS, wake, "soon, to start the next once it accepts");
            launcher.allAccept();
            spawner.spawnMissingWorkers(generation);
            assertEquals(2, launcher.alive().size());
        } finally {
            scoreboard.delete();
        }
    }

    private static List<Integer> slots(LoopHarness loop) {
        return loop.launcher.alive().stream().map(w -> w.slot.index()).sorted().toList();
    }
}
