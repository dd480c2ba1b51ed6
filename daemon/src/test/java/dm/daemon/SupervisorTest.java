package dm.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dm.ExitCodes;
import dm.daemon.FakeLauncher.FakeWorker;
import dm.scoreboard.Control;
import dm.scoreboard.ParentStatus;
import dm.scoreboard.ShutdownRequest;
import dm.scoreboard.WorkerState;

/** The supervisor's loop, turned by hand: every rule of the pool, deterministic and in-process. */
class SupervisorTest {
    @TempDir
    Path directory;

    private LoopHarness loop(Map<String, String> settings) throws Exception {
        return new LoopHarness(directory, settings);
    }

    @Test
    void startsPoolMinWorkersOnTheFirstTurn() throws Exception {
        try (LoopHarness loop = loop(Map.of("pool.min", "3"))) {
            loop.turn();
            assertEquals(3, loop.live());
            for (int slot = 0; slot < 3; slot++) {
                assertEquals(WorkerState.STARTING, loop.scoreboard.slot(slot).state());
                assertEquals(loop.launcher.inSlot(slot).pid, loop.scoreboard.slot(slot).pid());
            }
            loop.ticks(5);
            assertEquals(3, loop.live(), "starting workers count as spares: no second wave while they boot");
        }
    }

    @Test
    void growsInWavesOfOneTwoFourWhileEveryWorkerIsBusyThenStopsAtMax() throws Exception {
        try (LoopHarness loop = loop(Map.of("pool.min", "2", "pool.max", "12", "pool.min-spare", "1",
                "pool.max-spawn-rate", "4"))) {
            loop.turn();
            List<Integer> waves = new java.util.ArrayList<>();
            for (int round = 0; round < 6; round++) {
                loop.launcher.allAccept();
                loop.launcher.alive().forEach(w -> w.busy(loop.clock.currentTimeMillis()));
                int before = loop.live();
                loop.tick();
                waves.add(loop.live() - before);
            }
            assertEquals(List.of(1, 2, 4, 3, 0, 0), waves, "doubling up to pool.max-spawn-rate, then the room left");
            assertEquals(12, loop.live());
            assertEquals(1, loop.control.maxReached(), "pool.max reached counted once");
        }
    }

    @Test
    void retiresOneIdleExtraPerTickDownToPoolMin() throws Exception {
        try (LoopHarness loop = loop(Map.of("pool.min", "2", "pool.max", "8", "pool.min-spare", "1",
                "pool.max-spare", "1"))) {
            loop.turn();
            loop.launcher.allAccept();
            loop.launcher.alive().forEach(w -> w.busy(loop.clock.currentTimeMillis()));
            for (int i = 0; i < 4; i++) {
                loop.tick();
                loop.launcher.allAccept();
                loop.launcher.alive().forEach(w -> w.busy(loop.clock.currentTimeMillis()));
            }
            int grown = loop.live();
            assertTrue(grown >= 6, "grown to " + grown);
            loop.launcher.alive().forEach(FakeWorker::idle);
            int previous = grown;
            while (previous > 2) {
                loop.tick();
                List<FakeWorker> asked = loop.launcher.alive().stream()
                        .filter(w -> w.slot.request() == ShutdownRequest.SHUTDOWN).toList();
                assertEquals(1, asked.size(), "one retirement per tick");
                loop.launcher.obeyRequests();
                loop.turn();
                assertEquals(previous - 1, loop.live());
                previous = loop.live();
            }
            loop.ticks(5);
            assertEquals(2, loop.live(), "never below pool.min");
        }
    }

    @Test
    void aWorkerThatDiesSoonAfterStartingIsReplacedAfterADoublingBackOff() throws Exception {
        try (LoopHarness loop = loop(Map.of("pool.min", "1", "pool.min-spare", "0", "worker.min-uptime-ms", "2000",
                "worker.max-backoff-ms", "800"))) {
            loop.turn();
            for (long expected : new long[] {100, 200, 400, 800, 800}) {
                FakeWorker worker = loop.launcher.inSlot(0);
                worker.accept();
                loop.clock.advanceMillis(10);
                worker.exit(1);
                loop.turn();
                assertEquals(0, loop.live(), "no replacement before the back-off");
                loop.clock.advanceMillis(expected - 1);
                loop.turn();
                assertEquals(0, loop.live(), "still none 1 ms before " + expected + " ms");
                loop.clock.advanceMillis(1);
                loop.turn();
                assertEquals(1, loop.live(), "replaced after " + expected + " ms");
            }
            FakeWorker longLived = loop.launcher.inSlot(0);
            longLived.accept();
            loop.clock.advanceMillis(5000);
            longLived.exit(1);
            loop.turn();
            assertEquals(1, loop.live(), "a worker that lived past worker.min-uptime-ms is replaced at once");
        }
    }

    @Test
    void aWorkerThatReportsItCannotBootStopsTheDaemonWithEveryWorkerKilled() throws Exception {
        try (LoopHarness loop = loop(Map.of("pool.min", "3"))) {
            loop.turn();
            loop.launcher.inSlot(1).exit(ExitCodes.WORKER_BOOT_FAILED);
            assertEquals(ExitCodes.WORKERS_CANNOT_BOOT, loop.turnForExit());
            assertEquals(0, loop.live());
            assertEquals(3, loop.launcher.started().size(), "nothing respawned");
        }
    }

    @Test
    void aWorkerJvmThatCannotBeStartedStopsTheDaemon() throws Exception {
        try (LoopHarness loop = loop(Map.of("pool.min", "2"))) {
            loop.launcher.failNextStart("no such file: java");
            assertEquals(ExitCodes.WORKERS_CANNOT_BOOT, loop.turnForExit());
            assertEquals(0, loop.live());
        }
    }

    /** Seen in RecyclingIT: a replacement waiting for its turn to boot was taken for one that failed to start. */
    @Test
    void aRetiringWorkerWaitsForAReplacementThatWaitsItsTurnToBoot() throws Exception {
        try (LoopHarness loop = loop(Map.of("pool.min", "2", "pool.min-spare", "0", "worker.max-requests", "1",
                "pool.max-booting", "1"))) {
            loop.turn();
            loop.launcher.inSlot(0).accept();
            loop.tick();
            loop.launcher.inSlot(1).accept();
            loop.tick();
            FakeWorker first = loop.launcher.inSlot(0);
            FakeWorker second = loop.launcher.inSlot(1);
            first.busy(loop.clock.currentTimeMillis());
            second.busy(loop.clock.currentTimeMillis());
            loop.tick(); // both reached worker.max-requests: two replacements due, one may boot
            loop.ticks(3);
            assertEquals(ShutdownRequest.NORMAL, first.slot.request(), "serves on while its replacement boots");
            assertEquals(ShutdownRequest.NORMAL, second.slot.request(), "serves on while its replacement waits to boot");
            for (FakeWorker booting : loop.launcher.alive()) {
                if (booting != first && booting != second) {
                    booting.accept();
                }
            }
            loop.ticks(3);
            for (FakeWorker booting : loop.launcher.alive()) {
                if (booting != first && booting != second) {
                    booting.accept();
                }
            }
            loop.ticks(3);
            assertEquals(ShutdownRequest.SHUTDOWN, first.slot.request(), "told to go once its replacement accepts");
            assertEquals(ShutdownRequest.SHUTDOWN, second.slot.request(), "told to go once its replacement accepts");
        }
    }

    @Test
    void recyclingStartsTheReplacementFirstAndLetsTheOldWorkerGoOnceItAccepts() throws Exception {
        try (LoopHarness loop = loop(Map.of("pool.min", "1", "pool.min-spare", "0", "worker.max-requests", "2"))) {
            loop.turn();
            FakeWorker old = loop.launcher.inSlot(0);
            old.accept();
            assertEquals(2, old.slot.maxCalls());
            old.busy(loop.clock.currentTimeMillis());
            old.idle();
            old.busy(loop.clock.currentTimeMillis()); // its last connection
            loop.tick();
            FakeWorker replacement = loop.launcher.inSlot(1);
            assertEquals(ShutdownRequest.NORMAL, old.slot.request(), "the old one serves on while its replacement boots");
            loop.tick();
            assertEquals(ShutdownRequest.NORMAL, old.slot.request());
            replacement.accept();
            loop.tick();
            assertEquals(ShutdownRequest.SHUTDOWN, old.slot.request(), "told to go once the replacement accepts");
            old.idle();
            old.exit(ExitCodes.WORKER_RECYCLED);
            loop.ticks(3);
            assertEquals(List.of(replacement), loop.launcher.alive(), "its slot stays empty: the replacement took over");
        }
    }

    @Test
    void rollingRestartReplacesAboutHalfAtATimeAndOnlyOnceTheNewOnesAccept() throws Exception {
        try (LoopHarness loop = loop(Map.of("pool.min", "4", "pool.min-spare", "0"))) {
            loop.turn();
            loop.launcher.allAccept();
            List<FakeWorker> old = loop.launcher.alive();
            long command = loop.control.submit(ParentStatus.CHILD_RESTART);
            loop.tick();
            assertEquals(command, loop.control.acknowledged());
            loop.tick(); // the configuration, read off the loop, comes back as an event
            assertEquals(ParentStatus.CHILD_RESTART, loop.control.status());
            assertEquals(2, askedToRestart(old), "first batch: half");
            loop.launcher.obeyRequests();
            loop.ticks(3);
            assertEquals(4, loop.live(), "replaced in their slots");
            assertEquals(0, askedToRestart(old), "no second batch while the new ones boot");
            List<Long> batches = new java.util.ArrayList<>(List.of(2L));
            for (int round = 0; round < 4 && loop.control.status() == ParentStatus.CHILD_RESTART; round++) {
                loop.launcher.allAccept();
                loop.tick();
                long batch = askedToRestart(loop.launcher.alive());
                if (batch > 0) {
                    batches.add(batch);
                }
                loop.launcher.obeyRequests();
                loop.tick();
            }
            assertEquals(List.of(2L, 1L, 1L), batches, "about half of the old workers at a time");
            assertEquals(ParentStatus.NORMAL, loop.control.status());
            assertEquals(command, loop.control.completed());
            assertEquals(Control.Result.DONE, loop.control.lastResult());
            assertTrue(loop.launcher.alive().stream().noneMatch(old::contains), "every old worker replaced");
            assertEquals(4, loop.live());
        }
    }

    @Test
    void aRestartIntoAConfigurationThatCannotBootIsAbandonedAndThePreviousOneServesOn() throws Exception {
        try (LoopHarness loop = loop(Map.of("pool.min", "2", "pool.min-spare", "0"))) {
            loop.turn();
            loop.launcher.allAccept();
            Generation before = loop.supervisor.generation();
            loop.edit("worker.jvm-options", "-Ddm.test.generation=2");
            long command = loop.control.submit(ParentStatus.CHILD_RESTART);
            loop.tick();
            loop.tick();
            loop.launcher.obeyRequests();
            loop.turn();
            FakeWorker fresh = loop.launcher.alive().stream().filter(w -> w.command.argv().contains("-Ddm.test.generation=2"))
                    .findFirst().orElseThrow();
            fresh.exit(ExitCodes.WORKER_BOOT_FAILED);
            loop.turn();
            assertEquals(Control.Result.WORKERS_CANNOT_BOOT, loop.control.lastResult());
            assertEquals(command, loop.control.completed());
            assertEquals(ParentStatus.NORMAL, loop.control.status());
            assertEquals(before, loop.supervisor.generation(), "the previous generation is back");
            loop.ticks(3);
            assertEquals(2, loop.live(), "the daemon serves on");
            assertTrue(loop.launcher.alive().stream().noneMatch(w -> w.command.argv().contains("-Ddm.test.generation=2")),
                    "no worker of the abandoned configuration is left");
        }
    }

    @Test
    void anInvalidConfigurationRefusesTheRestartAndLeavesTheWorkersAlone() throws Exception {
        try (LoopHarness loop = loop(Map.of("pool.min", "2"))) {
            loop.turn();
            loop.launcher.allAccept();
            List<FakeWorker> workers = loop.launcher.alive();
            loop.edit("pool.min", "lots");
            long command = loop.control.submit(ParentStatus.CHILD_RESTART);
            loop.ticks(3);
            assertEquals(Control.Result.INVALID_CONFIGURATION, loop.control.lastResult());
            assertEquals(command, loop.control.completed());
            assertEquals(ParentStatus.NORMAL, loop.control.status());
            assertEquals(workers, loop.launcher.alive());
            assertTrue(workers.stream().allMatch(w -> w.slot.request() == ShutdownRequest.NORMAL));
        }
    }

    @Test
    void waitDownLetsEveryWorkerFinishReplacesNoneAndKillsThoseStillBusyAfterTheGracefulTimeout() throws Exception {
        try (LoopHarness loop = loop(Map.of("pool.min", "3", "shutdown.timeout-ms", "1000"))) {
            loop.turn();
            loop.launcher.allAccept();
            FakeWorker busy = loop.launcher.inSlot(2);
            busy.busy(loop.clock.currentTimeMillis());
            loop.supervisor.enqueue(new SupervisorEvent.Stop("SIGTERM"));
            loop.turn();
            assertEquals(ParentStatus.WAIT_DOWN, loop.control.status());
            for (int slot = 0; slot < 3; slot++) {
                assertEquals(1, loop.launcher.inSlot(slot).nudges, "slot " + slot + ": SIGWINCH with the request, so it looks now");
            }
            loop.launcher.obeyRequests();
            loop.ticks(5);
            assertEquals(List.of(busy), loop.launcher.alive(), "the idle ones left, none replaced; the busy one serves on");
            loop.clock.advanceMillis(499);
            loop.turn();
            assertTrue(busy.isAlive(), "not killed before shutdown.timeout-ms");
            loop.tick();
            assertFalse(busy.isAlive(), "killed after shutdown.timeout-ms");
            assertEquals(ExitCodes.OK, loop.turnForExit(), "the daemon ends once it is reaped");
            assertEquals(1, loop.control.timeoutKills());
        }
    }

    @Test
    void aSecondStopForcesDown() throws Exception {
        try (LoopHarness loop = loop(Map.of("pool.min", "2"))) {
            loop.turn();
            loop.launcher.allAccept();
            loop.launcher.alive().forEach(w -> w.busy(loop.clock.currentTimeMillis()));
            loop.supervisor.enqueue(new SupervisorEvent.Stop("SIGTERM"));
            loop.turn();
            loop.supervisor.enqueue(new SupervisorEvent.Stop("SIGTERM"));
            assertEquals(ExitCodes.OK, loop.turnForExit());
            assertEquals(0, loop.live(), "every worker killed");
        }
    }

    @Test
    void forceDownFromDmCtlKillsEveryWorkerAtTheNextTick() throws Exception {
        try (LoopHarness loop = loop(Map.of("pool.min", "2"))) {
            loop.turn();
            loop.control.submit(ParentStatus.FORCE_DOWN);
            loop.clock.advanceMillis(100);
            assertEquals(ExitCodes.OK, loop.turnForExit());
            assertEquals(0, loop.live());
        }
    }

    @Test
    void aWorkerStuckPastTheRequestTimeoutGetsSigquitForAThreadDumpThenSigkillAfterTheGraceAndIsReplacedAtOnce()
            throws Exception {
        try (LoopHarness loop = loop(Map.of("pool.min", "2", "pool.min-spare", "0", "worker.request-timeout-ms", "500",
                "worker.slow-request-ms", "200"))) {
            loop.turn();
            loop.launcher.allAccept();
            FakeWorker stuck = loop.launcher.inSlot(0);
            stuck.busy(loop.clock.currentTimeMillis());
            loop.ticks(3);
            assertEquals(1, loop.control.slowRequests(), "reported slow once");
            assertEquals(0, stuck.quits);
            loop.ticks(3);
            assertEquals(1, stuck.quits, "SIGQUIT past 500 ms");
            assertTrue(stuck.isAlive(), "not killed yet: the JVM writes its thread dump first");
            assertEquals(1, loop.control.timeoutKills(), "counted once, at the SIGQUIT");
            loop.clock.advanceMillis(Timeouts.THREAD_DUMP_GRACE_MILLIS - 1);
            loop.turn();
            assertTrue(stuck.isAlive(), "alive until the grace is over");
            loop.tick();
            assertFalse(stuck.isAlive(), "SIGKILL once the grace is over");
            assertEquals(1, stuck.quits, "one SIGQUIT, however many ticks the grace took");
            assertEquals(1, loop.control.timeoutKills());
            loop.turn();
            assertEquals(2, loop.live(), "replaced at once");
            assertNotEquals(stuck.pid, loop.scoreboard.slot(0).pid());
        }
    }

    @Test
    void theSigkillAfterAThreadDumpComesEvenIfThePoolStartsGoingDownMeanwhile() throws Exception {
        try (LoopHarness loop = loop(Map.of("pool.min", "2", "pool.min-spare", "0", "worker.request-timeout-ms", "500"))) {
            loop.turn();
            loop.launcher.allAccept();
            FakeWorker stuck = loop.launcher.inSlot(0);
            stuck.busy(loop.clock.currentTimeMillis());
            loop.ticks(6);
            assertEquals(1, stuck.quits);
            loop.supervisor.enqueue(new SupervisorEvent.Stop("SIGTERM"));
            loop.turn();
            assertEquals(ParentStatus.WAIT_DOWN, loop.control.status());
            loop.launcher.obeyRequests();
            loop.ticks(9);
            assertTrue(stuck.isAlive(), "within the grace (shutdown.timeout-ms is 30 s)");
            loop.tick();
            assertFalse(stuck.isAlive(), "killed when its grace was over, not after shutdown.timeout-ms");
            assertEquals(ExitCodes.OK, loop.turnForExit(), "the daemon ends once it is reaped");
        }
    }

    @Test
    void aWorkerOverWorkerMaxPssIsRecycledReplacementFirstOnceItHasServedAndItsConnectionFinishes() throws Exception {
        try (LoopHarness loop = loop(Map.of("pool.min", "2", "pool.min-spare", "0", "worker.max-pss-mib", "100",
                "worker.pss-interval-ms", "100"))) {
            loop.turn();
            loop.launcher.allAccept();
            FakeWorker big = loop.launcher.inSlot(0);
            FakeWorker small = loop.launcher.inSlot(1);
            small.pss(70 * 1024);
            big.pss(120 * 1024);
            loop.ticks(3);
            assertEquals(120 * 1024, loop.scoreboard.slot(0).pssKib(), "the PSS read is in the scoreboard");
            assertEquals(70 * 1024, loop.scoreboard.slot(1).pssKib());
            assertEquals(2, loop.live(), "over the limit before serving anything: a fresh worker would be no smaller");
            big.busy(loop.clock.currentTimeMillis());
            big.idle();
            big.busy(loop.clock.currentTimeMillis());
            loop.tick();
            FakeWorker replacement = loop.launcher.inSlot(2);
            assertEquals(0, loop.scoreboard.slot(2).pssKib(), "not read yet: 0, which dm-ctl shows as -");
            assertEquals(ShutdownRequest.NORMAL, big.slot.request(), "it serves on while its replacement boots");
            loop.ticks(2);
            assertEquals(3, loop.live(), "one replacement, however many ticks it boots");
            replacement.accept();
            loop.tick();
            assertEquals(ShutdownRequest.SHUTDOWN, big.slot.request(), "told to go once the replacement accepts");
            loop.launcher.obeyRequests();
            assertTrue(big.isAlive(), "its connection in progress finishes");
            big.idle();
            loop.launcher.obeyRequests();
            loop.ticks(3);
            assertEquals(List.of(small, replacement), loop.launcher.alive(), "the replacement took over; none added");
            assertEquals(0, loop.control.timeoutKills());
        }
    }

    @Test
    void anIdleWorkerThatTookNoConnectionSinceItsLastPssReadIsReadAgainOnlyEveryTwelveIntervals() throws Exception {
        try (LoopHarness loop = loop(Map.of("pool.min", "1", "pool.min-spare", "0", "worker.pss-interval-ms", "100"))) {
            loop.turn();
            loop.launcher.allAccept();
            FakeWorker worker = loop.launcher.inSlot(0);
            worker.pss(70 * 1024);
            loop.ticks(2); // read on the first, the figure is the loop's on the next turn
            assertEquals(70 * 1024, loop.scoreboard.slot(0).pssKib(), "read as soon as it accepts");
            worker.pss(80 * 1024);
            loop.ticks(5);
            assertEquals(70 * 1024, loop.scoreboard.slot(0).pssKib(), "idle and no connection since: not read again");
            worker.busy(loop.clock.currentTimeMillis());
            loop.ticks(2);
            assertEquals(80 * 1024, loop.scoreboard.slot(0).pssKib(), "serving: read every interval");
            worker.idle();
            worker.pss(90 * 1024);
            loop.ticks(2);
            assertEquals(90 * 1024, loop.scoreboard.slot(0).pssKib(), "it was serving at the last read: read once more");
            worker.pss(95 * 1024);
            loop.ticks(PssSampler.IDLE_REREAD_INTERVALS - 3);
            assertEquals(90 * 1024, loop.scoreboard.slot(0).pssKib(), "idle since: not read");
            loop.ticks(3);
            assertEquals(95 * 1024, loop.scoreboard.slot(0).pssKib(),
                    "read again after twelve intervals all the same (other workers' exits shift shared pages to it)");
        }
    }

    @Test
    void recyclingNeverTakesASecondWorkerWhileThatWouldLeaveFewerIdleThanMinSpare() throws Exception {
        try (LoopHarness loop = loop(Map.of("pool.min", "3", "pool.max", "3", "pool.min-spare", "1", "pool.max-spare", "3",
                "worker.max-pss-mib", "100", "worker.pss-interval-ms", "100"))) {
            loop.turn();
            loop.launcher.allAccept();
            FakeWorker first = loop.launcher.inSlot(0);
            FakeWorker second = loop.launcher.inSlot(1);
            FakeWorker busy = loop.launcher.inSlot(2);
            for (FakeWorker grown : List.of(first, second)) {
                grown.busy(loop.clock.currentTimeMillis());
                grown.idle();
                grown.pss(150 * 1024);
            }
            busy.busy(loop.clock.currentTimeMillis());
            loop.ticks(2); // read on the first, the figures are the loop's on the next turn
            assertEquals(ShutdownRequest.RESTART, first.slot.request(), "pool.max: no free slot, so it leaves first");
            assertEquals(ShutdownRequest.NORMAL, second.slot.request(),
                    "held: taking it too would leave no idle worker, pool.min-spare is 1");
            loop.launcher.obeyRequests();
            loop.turn();
            FakeWorker refill = loop.launcher.inSlot(0);
            loop.ticks(3);
            assertEquals(ShutdownRequest.NORMAL, second.slot.request(), "held while slot 0's new worker boots");
            refill.accept();
            loop.tick();
            assertEquals(ShutdownRequest.RESTART, second.slot.request(), "its turn once slot 0 accepts again");
        }
    }

    @Test
    void recyclingTakesTwoWorkersAtOnceWhenEnoughOthersStayIdle() throws Exception {
        try (LoopHarness loop = loop(Map.of("pool.min", "4", "pool.max", "4", "pool.min-spare", "1", "pool.max-spare", "4",
                "worker.max-pss-mib", "100", "worker.pss-interval-ms", "100"))) {
            loop.turn();
            loop.launcher.allAccept();
            List<FakeWorker> grown = List.of(loop.launcher.inSlot(0), loop.launcher.inSlot(1));
            for (FakeWorker worker : grown) {
                worker.busy(loop.clock.currentTimeMillis());
                worker.idle();
                worker.pss(150 * 1024);
            }
            loop.ticks(2);
            assertEquals(2, askedToRestart(grown), "slots 2 and 3 stay idle: both go in the same tick");
        }
    }

    @Test
    void workersThatDieBeforeAcceptingThreeTimesInARowStopTheDaemon() throws Exception {
        try (LoopHarness loop = loop(Map.of("pool.min", "1", "pool.min-spare", "0", "worker.max-backoff-ms", "0"))) {
            loop.turn();
            for (int death = 1; death < Reaper.MAX_BOOT_DEATHS_IN_A_ROW; death++) {
                loop.launcher.inSlot(0).exit(1);
                loop.turn();
                assertEquals(1, loop.live(), "replaced after death " + death);
            }
            loop.launcher.inSlot(0).exit(1);
            assertEquals(ExitCodes.WORKERS_CANNOT_BOOT, loop.turnForExit());
        }
    }

    @Test
    void theClassArchiveTrainerIsRestartedOnceItAccepts() throws Exception {
        try (LoopHarness loop = loop(Map.of("pool.min", "2", "pool.min-spare", "0", "worker.class-archive", "true"))) {
            loop.turn();
            List<FakeWorker> trainers = loop.launcher.alive().stream().filter(w -> w.command.trainer()).toList();
            assertEquals(1, trainers.size(), "one worker trains the archive");
            FakeWorker trainer = trainers.get(0);
            String trainOption = ClassArchive.Kind.forFeature(Runtime.version().feature()).trainOption;
            assertTrue(trainer.command.argv().stream().anyMatch(a -> a.startsWith(trainOption)), trainOption);
            loop.tick();
            assertEquals(ShutdownRequest.NORMAL, trainer.slot.request(), "left alone while it boots");
            trainer.accept();
            loop.tick();
            assertEquals(ShutdownRequest.RESTART, trainer.slot.request(), "restarted once it accepts");
            loop.launcher.obeyRequests();
            loop.turn();
            assertEquals(2, loop.live(), "replaced in its slot");
        }
    }

    @Test
    void signalsAndDmCtlCommandsReachTheLoopAsEvents() throws Exception {
        try (LoopHarness loop = loop(Map.of("pool.min", "1", "pool.min-spare", "0"))) {
            loop.turn();
            loop.launcher.allAccept();
            loop.supervisor.enqueue(new SupervisorEvent.Restart("SIGHUP"));
            loop.turn();
            assertEquals(ParentStatus.CHILD_RESTART, loop.control.status(), "SIGHUP restarts");
            long waitDown = loop.control.submit(ParentStatus.WAIT_DOWN);
            loop.turn();
            assertEquals(ParentStatus.CHILD_RESTART, loop.control.status(), "dm-ctl commands are read once per tick");
            loop.tick();
            assertEquals(waitDown, loop.control.acknowledged());
            assertEquals(ParentStatus.WAIT_DOWN, loop.control.status());
            loop.supervisor.enqueue(new SupervisorEvent.Restart("SIGHUP"));
            loop.turn();
            assertEquals(ParentStatus.WAIT_DOWN, loop.control.status(), "no restart while going down");
            loop.launcher.obeyRequests();
            assertEquals(ExitCodes.OK, loop.turnForExit());
            assertEquals(waitDown, loop.supervisor.activeCommand(), "completed by the daemon on its way out");
        }
    }

    @Test
    void workersKilledWhileTheyBootAreReplacedWithBackOffAndNeverStopTheDaemon() throws Exception {
        try (LoopHarness loop = loop(Map.of("pool.min", "2", "pool.min-spare", "0", "worker.max-backoff-ms", "400"))) {
            loop.turn();
            for (int kill = 0; kill < 20; kill++) {
                FakeWorker victim = loop.launcher.alive().get(kill % loop.live());
                victim.exit(128 + 9); // SIGKILL from outside, before it accepted
                loop.turn();
                loop.clock.advanceMillis(400);
                loop.turn();
                assertEquals(2, loop.live(), "back to pool.min after kill " + kill);
            }
        }
    }

    @Test
    void refusedStartsCountInARowOnlyUntilAWorkerOfTheConfigurationAccepts() throws Exception {
        try (LoopHarness loop = loop(Map.of("pool.min", "2", "pool.min-spare", "0", "worker.max-backoff-ms", "0"))) {
            loop.turn();
            FakeWorker serving = loop.launcher.inSlot(1);
            for (int round = 0; round < 3; round++) {
                for (int death = 1; death < Reaper.MAX_BOOT_DEATHS_IN_A_ROW; death++) {
                    loop.launcher.inSlot(0).exit(Reaper.JVM_REFUSED_TO_START);
                    loop.turn();
                }
                serving.accept();
                serving.busy(loop.clock.currentTimeMillis()); // busy under load, never seen idle
                loop.tick();
            }
            assertEquals(2, loop.live(), "two refusals at a time, each followed by a worker that accepts: no stop");
        }
    }

    @Test
    void anExitIsReapedAndReplacedOnTheTurnItArrivesNotAtTheNextTick() throws Exception {
        try (LoopHarness loop = loop(Map.of("pool.min", "3", "supervisor.tick-ms", "10000"))) {
            loop.turn();
            loop.launcher.allAccept();
            loop.clock.advanceMillis(5000); // past worker.min-uptime-ms: no back-off
            loop.launcher.inSlot(0).exit(128 + 9);
            loop.launcher.inSlot(2).exit(128 + 9);
            loop.turn(); // the clock has not moved: no tick is due
            assertEquals(3, loop.live(), "both replaced on the same turn");
            assertEquals(5, loop.launcher.started().size());
        }
    }

    private static long askedToRestart(List<FakeWorker> workers) {
        return workers.stream().filter(w -> w.isAlive() && w.slot.request() == ShutdownRequest.RESTART).count();
    }
}
