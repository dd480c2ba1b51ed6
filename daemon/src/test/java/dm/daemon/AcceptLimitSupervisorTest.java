package dm.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dm.daemon.FakeLauncher.FakeWorker;

/** The loop hands the accept limit to the workers, oldest first, and standing-by threads count as spares. */
class AcceptLimitSupervisorTest {
    @TempDir
    Path directory;

    private LoopHarness loop() throws Exception {
        return new LoopHarness(directory, Map.of("pool.min", "4", "pool.max", "8", "worker.threads", "4",
                "pool.saturated-threads", "6", "pool.min-spare", "4", "pool.max-spare", "64"));
    }

    private static List<Integer> limits(LoopHarness loop) {
        return loop.launcher.alive().stream().map(worker -> worker.slot.acceptLimit()).toList();
    }

    @Test
    void aSaturatedCpuLeavesTheFirstThreadsOfTheOldestWorkersAndTheQueueBringsTheRestBack() throws Exception {
        try (LoopHarness loop = loop()) {
            loop.turn();
            loop.launcher.allAccept();
            loop.ticks(2);
            assertEquals(List.of(4, 4, 4, 4), limits(loop), "the CPU has room: every thread");
            assertEquals(-1, loop.control.acceptLimit());

            loop.cpu.idleShare = 0.02;
            loop.ticks(3); // 8, then 6: half as many per tick, down to 6
            assertEquals(List.of(4, 2, 0, 0), limits(loop), "6 threads, the oldest workers' first");
            assertEquals(6, loop.control.acceptLimit());

            FakeWorker oldest = loop.launcher.inSlot(0);
            for (int t = 0; t < 4; t++) {
                oldest.busy(t, loop.clock.currentTimeMillis());
            }
            loop.launcher.inSlot(1).busy(0, loop.clock.currentTimeMillis());
            loop.tick();
            assertEquals(List.of(4, 2, 0, 0), limits(loop), "5 connections younger than a tick are not held");
            loop.ticks(3);
            assertEquals(List.of(4, 4, 3, 0), limits(loop), "5 held for longer than a tick + 6");
            assertEquals(4, loop.live(), "5 of 16 threads busy, the 11 others (5 standing by) count as spares: no growth");

            loop.control.recordListenQueue(9); // a queue that no accept drained during the tick
            loop.tick();
            assertEquals(List.of(4, 4, 4, 4), limits(loop), "5 busy + 9 queued > 11: every thread of the 16");
            assertEquals(-1, loop.control.acceptLimit());
        }
    }

    @Test
    void longConnectionsDoNotCountAgainstTheThreadsLeftForShortOnes() throws Exception {
        try (LoopHarness loop = loop()) {
            loop.turn();
            loop.launcher.allAccept();
            loop.tick();
            FakeWorker oldest = loop.launcher.inSlot(0);
            oldest.busy(0, loop.clock.currentTimeMillis());
            oldest.busy(1, loop.clock.currentTimeMillis());
            loop.ticks(3); // held for 300 ms, longer than a tick
            loop.cpu.idleShare = 0.0;
            loop.ticks(3);
            assertEquals(List.of(4, 4, 0, 0), limits(loop), "2 held + 6");
        }
    }
}
