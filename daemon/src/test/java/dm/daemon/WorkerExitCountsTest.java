package dm.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dm.ExitCodes;
import dm.daemon.FakeLauncher.FakeWorker;
import dm.scoreboard.WorkerExitCause;

/** The reaper counts every exit by its cause (dm_worker_exits_total); the pool publishes pool.min. */
class WorkerExitCountsTest {
    @TempDir
    Path directory;

    @Test
    void eachExitIsCountedOnceUnderItsCause() throws Exception {
        try (LoopHarness loop = new LoopHarness(directory, Map.of("pool.min", "3", "pool.min-spare", "0",
                "worker.request-timeout-ms", "500", "worker.min-uptime-ms", "0"))) {
            assertEquals(3, loop.control.poolMin(), "published for the metrics");
            loop.turn();
            loop.launcher.allAccept();
            loop.launcher.inSlot(0).exit(1); // a crash after accepting
            loop.launcher.inSlot(1).exit(128 + 9); // the OOM killer
            loop.turn();
            loop.launcher.allAccept();
            FakeWorker stuck = loop.launcher.inSlot(2);
            stuck.busy(loop.clock.currentTimeMillis());
            loop.ticks(6); // past worker.request-timeout-ms: SIGQUIT for a thread dump, then
            loop.clock.advanceMillis(Timeouts.THREAD_DUMP_GRACE_MILLIS);
            loop.tick(); // SIGKILL
            loop.launcher.allAccept();
            loop.launcher.inSlot(0).exit(ExitCodes.WORKER_RECYCLED);
            loop.turn();

            assertEquals(1, loop.control.exits(WorkerExitCause.ERROR));
            assertEquals(1, loop.control.exits(WorkerExitCause.SIGNAL));
            assertEquals(1, loop.control.exits(WorkerExitCause.KILLED));
            assertEquals(1, loop.control.exits(WorkerExitCause.RECYCLED));
            assertEquals(0, loop.control.exits(WorkerExitCause.LEFT));
            assertEquals(0, loop.control.exits(WorkerExitCause.BOOT_FAILED));
        }
    }
}
