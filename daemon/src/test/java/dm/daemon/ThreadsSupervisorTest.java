package dm.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dm.daemon.FakeLauncher.FakeWorker;
import dm.scoreboard.ShutdownRequest;
import dm.scoreboard.WorkerState;

/** The loop with worker.threads above 1: spares are threads, and a stuck thread retires its worker. */
class ThreadsSupervisorTest {
    @TempDir
    Path directory;

    private LoopHarness loop(String... settings) throws Exception {
        Map<String, String> map = new HashMap<>(Map.of("worker.threads", "4"));
        for (int i = 0; i < settings.length; i += 2) {
            map.put(settings[i], settings[i + 1]);
        }
        return new LoopHarness(directory, map);
    }

    @Test
    void busyThreadsDoNotGrowThePoolWhileIdleThreadsRemainThenItGrowsByWholeWorkers() throws Exception {
        try (LoopHarness loop = loop("pool.min", "2", "pool.min-spare", "2", "pool.max-spare", "8")) {
            loop.turn();
            loop.launcher.allAccept();
            for (FakeWorker worker : loop.launcher.alive()) {
                worker.busy(0, loop.clock.currentTimeMillis());
                worker.busy(1, loop.clock.currentTimeMillis());
                worker.busy(2, loop.clock.currentTimeMillis());
            }
            loop.ticks(3);
            assertEquals(2, loop.live(), "6 of 8 threads busy, 2 idle: enough spares");
            loop.launcher.inSlot(0).busy(3, loop.clock.currentTimeMillis());
            loop.tick();
            assertEquals(3, loop.live(), "1 idle thread < pool.min-spare 2: one more worker");
            loop.ticks(3);
            assertEquals(3, loop.live(), "its 4 starting threads count as spares");
            assertEquals(7, loop.control.maxBusy(), "max busy counts threads");
        }
    }

    @Test
    void aWholeIdleWorkerIsRetiredOnlyWhileEnoughIdleThreadsRemain() throws Exception {
        try (LoopHarness loop = loop("pool.min", "1", "pool.min-spare", "2", "pool.max-spare", "4")) {
            loop.turn();
            loop.launcher.allAccept();
            loop.launcher.inSlot(0).busy(0, loop.clock.currentTimeMillis());
            loop.launcher.inSlot(0).busy(1, loop.clock.currentTimeMillis());
            loop.launcher.inSlot(0).busy(2, loop.clock.currentTimeMillis());
            loop.tick();
            loop.launcher.allAccept();
            loop.tick();
            assertEquals(2, loop.live(), "grown to 2 workers");
            loop.launcher.inSlot(0).idle();
            loop.tick();
            loop.launcher.obeyRequests();
            loop.ticks(2);
            assertEquals(1, loop.live(), "8 idle threads > 4, 4 remain without one worker: retired");
        }
    }

    @Test
    void aStuckThreadRetiresItsWorkerReplacementFirstAndItIsKilledOnceItsOtherConnectionsAreDone() throws Exception {
        try (LoopHarness loop = loop("pool.min", "2", "pool.min-spare", "0", "worker.request-timeout-ms", "500",
                "shutdown.timeout-ms", "10000", "worker.slow-request-ms", "0")) {
            loop.turn();
            loop.launcher.allAccept();
            FakeWorker stuck = loop.launcher.inSlot(0);
            stuck.busy(0, loop.clock.currentTimeMillis());
            loop.ticks(3);
            stuck.busy(1, loop.clock.currentTimeMillis());
            loop.ticks(3);
            assertTrue(stuck.isAlive(), "its other connection may finish");
            assertEquals(ShutdownRequest.SHUTDOWN, stuck.slot.request(), "it accepts nothing more");
            assertEquals(3, loop.launcher.alive().size(), "its replacement started at once, in a free slot");
            assertEquals(WorkerState.STARTING, loop.scoreboard.slot(2).state());
            loop.ticks(5);
            assertTrue(stuck.isAlive(), "thread 1 still serves: the worker waits for it (shutdown.timeout-ms)");
            assertEquals(0, stuck.quits);
            stuck.idle(1);
            loop.tick();
            assertEquals(1, stuck.quits, "only the stuck connection left: SIGQUIT for a thread dump");
            assertEquals(1, loop.control.timeoutKills());
            loop.clock.advanceMillis(Timeouts.THREAD_DUMP_GRACE_MILLIS);
            loop.tick();
            assertFalse(stuck.isAlive(), "then SIGKILL");
            assertEquals(1, stuck.quits);
            loop.turn();
            assertEquals(2, loop.live(), "not replaced a second time");
        }
    }

    @Test
    void aStuckThreadsWorkerIsKilledWhenShutdownTimeoutEndsItsOtherConnections() throws Exception {
        try (LoopHarness loop = loop("pool.min", "2", "pool.max", "2", "pool.min-spare", "0",
                "worker.request-timeout-ms", "500", "shutdown.timeout-ms", "1000", "worker.slow-request-ms", "0")) {
            loop.turn();
            loop.launcher.allAccept();
            FakeWorker stuck = loop.launcher.inSlot(0);
            stuck.busy(0, loop.clock.currentTimeMillis());
            loop.ticks(6);
            assertEquals(ShutdownRequest.RESTART, stuck.slot.request(), "no free slot: replaced in its own once gone");
            stuck.busy(1, loop.clock.currentTimeMillis());
            loop.ticks(8);
            assertTrue(stuck.isAlive(), "within shutdown.timeout-ms");
            loop.ticks(3);
            assertEquals(1, stuck.quits, "shutdown.timeout-ms over: SIGQUIT for a thread dump");
            loop.clock.advanceMillis(Timeouts.THREAD_DUMP_GRACE_MILLIS);
            loop.tick();
            assertFalse(stuck.isAlive(), "then SIGKILL");
            loop.turn();
            assertEquals(2, loop.live(), "replaced in its slot");
        }
    }
}
