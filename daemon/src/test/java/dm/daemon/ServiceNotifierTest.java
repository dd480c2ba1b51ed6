package dm.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dm.ExitCodes;
import dm.daemon.FakeLauncher.FakeWorker;
import dm.scoreboard.ParentStatus;

/**
 * The supervisor's loop under systemd (Type=notify): turned by hand on a {@link FakeClock}, its
 * datagrams read back from a real AF_UNIX socket that plays systemd's part.
 */
class ServiceNotifierTest {
    @TempDir
    Path directory;

    private FakeNotifySocket systemd;

    private LoopHarness loop(Map<String, String> settings, long watchdogMillis) throws Exception {
        String address = directory.resolve("notify").toString();
        systemd = new FakeNotifySocket(address);
        return new LoopHarness(directory, settings, clock -> {
            try {
                return new ServiceNotifier(NotifySocket.open(address), watchdogMillis * 1_000_000L, clock);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @AfterEach
    void closeSocket() {
        if (systemd != null) {
            systemd.close();
        }
    }

    private static List<String> only(List<String> lines, String prefix) {
        return lines.stream().filter(line -> line.startsWith(prefix)).toList();
    }

    @Test
    void readyOnlyOncePoolMinWorkersAcceptThenQuietWhileNothingChanges() throws Exception {
        try (LoopHarness loop = loop(Map.of("pool.min", "3", "pool.min-spare", "0"), 0)) {
            loop.turn();
            assertEquals(List.of("STATUS=starting: 0 of pool.min 3 workers accept; workers: 3 total, 0 leaving; threads: 0 idle,"
                    + " 0 busy, 3 starting; connections: 0 accepted"), systemd.lines());
            loop.launcher.inSlot(0).accept();
            loop.launcher.inSlot(1).accept();
            loop.ticks(20);
            assertEquals(List.of(), only(systemd.lines(), "READY"), "not ready with 2 of 3 accepting");
            loop.launcher.inSlot(2).accept();
            loop.tick();
            assertEquals(List.of("READY=1", "STATUS=serving; workers: 3 total, 0 leaving; threads: 3 idle, 0 busy, 0 starting;"
                    + " connections: 0 accepted"), systemd.lines());
            loop.ticks(50);
            assertEquals(List.of(), systemd.drain(), "no datagram while nothing changes");
        }
    }

    @Test
    void withSeveralThreadsPerWorkerReadinessCountsWorkersNotThreads() throws Exception {
        try (LoopHarness loop = loop(Map.of("pool.min", "2", "pool.min-spare", "0", "worker.threads", "4"), 0)) {
            loop.turn();
            loop.launcher.inSlot(0).accept();
            loop.ticks(20);
            assertEquals(List.of(), only(systemd.lines(), "READY"), "one worker of 4 idle threads is not pool.min 2");
            loop.launcher.inSlot(1).accept();
            loop.tick();
            assertEquals(List.of("READY=1"), only(systemd.lines(), "READY"));
        }
    }

    @Test
    void theStatusLineFollowsThePoolAtMostOncePerSecond() throws Exception {
        try (LoopHarness loop = loop(Map.of("pool.min", "2", "pool.min-spare", "0"), 0)) {
            loop.turn();
            loop.launcher.allAccept();
            loop.tick();
            systemd.drain();
            FakeWorker worker = loop.launcher.inSlot(0);
            worker.busy(loop.clock.currentTimeMillis());
            loop.control.countAccepted();
            loop.tick();
            assertEquals(List.of(), systemd.drain(), "100 ms after the last line: not yet");
            loop.ticks(8);
            assertEquals(List.of(), systemd.drain());
            loop.tick();
            assertEquals(List.of("STATUS=serving; workers: 2 total, 0 leaving; threads: 1 idle, 1 busy, 0 starting;"
                    + " connections: 1 accepted"), systemd.lines(), "one second after the last line");
            worker.idle();
            worker.busy(loop.clock.currentTimeMillis());
            worker.idle();
            loop.control.countAccepted();
            loop.ticks(10);
            assertEquals(List.of("STATUS=serving; workers: 2 total, 0 leaving; threads: 2 idle, 0 busy, 0 starting;"
                    + " connections: 2 accepted"), systemd.lines(), "only the latest figures, once");
            loop.ticks(30);
            assertEquals(List.of(), systemd.drain());
        }
    }

    @Test
    void aRollingRestartIsReloadingUntilEveryWorkerIsReplacedThenReadyAgain() throws Exception {
        try (LoopHarness loop = loop(Map.of("pool.min", "2", "pool.min-spare", "0"), 0)) {
            loop.turn();
            loop.launcher.allAccept();
            loop.tick();
            systemd.drain();
            loop.control.submit(ParentStatus.CHILD_RESTART);
            loop.tick();
            loop.tick(); // the configuration, read off the loop, comes back as an event
            List<String> reloading = systemd.lines();
            assertEquals("RELOADING=1", reloading.get(0));
            assertEquals("MONOTONIC_USEC=" + loop.clock.nanoTime() / 1000, reloading.get(1));
            assertTrue(reloading.get(2).startsWith("STATUS=restarting workers; workers: 2 total"), reloading.get(2));
            for (int round = 0; round < 10 && loop.control.status() == ParentStatus.CHILD_RESTART; round++) {
                assertEquals(List.of(), only(systemd.lines(), "READY"), "not ready before the restart is over");
                loop.launcher.obeyRequests();
                loop.tick();
                loop.launcher.allAccept();
                loop.tick();
            }
            assertEquals(ParentStatus.NORMAL, loop.control.status());
            List<String> ready = systemd.lines();
            assertEquals(List.of("READY=1"), only(ready, "READY"), String.valueOf(ready));
            assertTrue(ready.get(ready.indexOf("READY=1") + 1).startsWith("STATUS=serving; "), String.valueOf(ready));
        }
    }

    @Test
    void anAbandonedRestartIsReadyAgainAtOnce() throws Exception {
        try (LoopHarness loop = loop(Map.of("pool.min", "2", "pool.min-spare", "0"), 0)) {
            loop.turn();
            loop.launcher.allAccept();
            loop.tick();
            loop.edit("worker.jvm-options", "-Ddm.test.generation=2");
            loop.control.submit(ParentStatus.CHILD_RESTART);
            loop.ticks(2);
            loop.launcher.obeyRequests();
            loop.turn();
            systemd.drain();
            loop.launcher.alive().stream().filter(w -> w.command.argv().contains("-Ddm.test.generation=2"))
                    .findFirst().orElseThrow().exit(ExitCodes.WORKER_BOOT_FAILED);
            loop.turn();
            assertEquals("READY=1", systemd.lines().get(0));
        }
    }

    @Test
    void waitDownIsStoppingAndAForceDownAfterItSaysNoMore() throws Exception {
        try (LoopHarness loop = loop(Map.of("pool.min", "2"), 0)) {
            loop.turn();
            loop.launcher.allAccept();
            loop.launcher.inSlot(0).busy(loop.clock.currentTimeMillis());
            loop.tick();
            systemd.drain();
            loop.supervisor.enqueue(new SupervisorEvent.Stop("SIGTERM"));
            loop.turn();
            List<String> stopping = systemd.lines();
            assertEquals("STOPPING=1", stopping.get(0));
            assertTrue(stopping.get(1).startsWith("STATUS=going down (wait-down); workers: 2 total"), stopping.get(1));
            loop.control.submit(ParentStatus.FORCE_DOWN);
            loop.clock.advanceMillis(100);
            assertEquals(ExitCodes.OK, loop.turnForExit());
            assertEquals(List.of(), only(systemd.lines(), "STOPPING"), "said once");
        }
    }

    @Test
    void forceDownIsStopping() throws Exception {
        try (LoopHarness loop = loop(Map.of("pool.min", "2"), 0)) {
            loop.turn();
            loop.launcher.allAccept();
            loop.tick();
            systemd.drain();
            loop.control.submit(ParentStatus.FORCE_DOWN);
            loop.clock.advanceMillis(100);
            assertEquals(ExitCodes.OK, loop.turnForExit());
            assertEquals(List.of("STOPPING=1", "STATUS=going down (force-down); workers: 2 total, 0 leaving; threads: 2 idle,"
                    + " 0 busy, 0 starting; connections: 0 accepted"), systemd.lines());
        }
    }

    @Test
    void workersThatCannotBootStopTheServiceWithTheReasonInTheStatus() throws Exception {
        try (LoopHarness loop = loop(Map.of("pool.min", "2"), 0)) {
            loop.turn();
            systemd.drain();
            FakeWorker worker = loop.launcher.inSlot(1);
            worker.exit(ExitCodes.WORKER_BOOT_FAILED);
            assertEquals(ExitCodes.WORKERS_CANNOT_BOOT, loop.turnForExit());
            List<String> lines = systemd.lines();
            assertEquals("STOPPING=1", lines.get(0));
            assertEquals("STATUS=stopping: worker " + worker.pid + " (slot 1) could not boot (see its error above);"
                    + " workers: 1 total, 0 leaving; threads: 0 idle, 0 busy, 1 starting; connections: 0 accepted", lines.get(1));
        }
    }

    @Test
    void theLoopPingsTheWatchdogAtTheIntervalAndWakesUpForIt() throws Exception {
        try (LoopHarness loop = loop(Map.of("pool.min", "1", "supervisor.tick-ms", "5000"), 1000)) {
            loop.turn();
            assertEquals(List.of("WATCHDOG=1"), only(systemd.lines(), "WATCHDOG"), "at once");
            ServiceNotifier notifier = loop.notifier;
            long tickDue = loop.clock.nanoTime() + 5_000_000_000L;
            assertEquals(loop.clock.nanoTime() + 1_000_000_000L, notifier.nextDueNanos(tickDue),
                    "the loop wakes for the ping before a tick of 5 s");
            assertEquals(loop.clock.nanoTime() + 500_000_000L, notifier.nextDueNanos(loop.clock.nanoTime() + 500_000_000L));
            loop.clock.advanceMillis(999);
            loop.turn();
            assertEquals(List.of(), systemd.drain(), "not before the interval");
            loop.clock.advanceMillis(1);
            loop.turn();
            assertEquals(List.of("WATCHDOG=1"), systemd.lines(), "only the ping: nothing else changed");
            for (int i = 0; i < 5; i++) {
                loop.clock.advanceMillis(1000);
                loop.turn();
            }
            assertEquals(5, only(systemd.lines(), "WATCHDOG=1").size());
        }
    }

    @Test
    void withoutNotifySocketTheLoopSendsNothingAndWakesOnlyForItself() throws Exception {
        assertTrue(!ServiceNotifier.NONE.enabled());
        assertEquals(12345L, ServiceNotifier.NONE.nextDueNanos(12345L));
        try (LoopHarness loop = new LoopHarness(directory, Map.of("pool.min", "2"))) {
            loop.turn();
            loop.launcher.allAccept();
            loop.ticks(20);
            assertEquals(2, loop.live());
        }
    }
}
