package dm.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dm.ExitCodes;
import dm.daemon.FakeLauncher.FakeWorker;
import dm.scoreboard.ParentStatus;
import dm.scoreboard.ShutdownRequest;

/** With an agent endpoint, -wdown first reports drain for agent.drain-ms while the pool serves on. */
class DrainTest {
    private static final Map<String, String> AGENT = Map.of("agent.listen", "127.0.0.1:0", "agent.drain-ms", "1000",
            "pool.min", "2", "pool.min-spare", "0");

    @TempDir
    Path directory;

    @Test
    void waitDownServesOnThroughTheDrainThenStopsAsUsual() throws Exception {
        try (LoopHarness loop = new LoopHarness(directory, AGENT)) {
            loop.turn();
            loop.launcher.allAccept();
            List<FakeWorker> workers = loop.launcher.alive();
            loop.control.submit(ParentStatus.WAIT_DOWN);
            loop.tick();
            assertEquals(ParentStatus.WAIT_DOWN, loop.control.status(), "the agent endpoint says drain from here");
            for (int elapsed = 100; elapsed < 1000; elapsed += 100) {
                assertTrue(workers.stream().allMatch(w -> w.slot.request() == ShutdownRequest.NORMAL),
                        "still accepting " + elapsed + " ms into the drain");
                loop.tick();
            }
            loop.tick();
            assertTrue(loop.launcher.alive().stream().allMatch(w -> w.slot.request() == ShutdownRequest.SHUTDOWN),
                    "asked to leave once agent.drain-ms has passed");
            loop.launcher.obeyRequests();
            assertEquals(ExitCodes.OK, loop.turnForExit());
            assertEquals(2, loop.launcher.started().size(), "nobody replaced once they were asked to leave");
        }
    }

    @Test
    void aWorkerThatDiesDuringTheDrainIsReplaced() throws Exception {
        try (LoopHarness loop = new LoopHarness(directory, AGENT)) {
            loop.turn();
            loop.launcher.allAccept();
            loop.clock.advanceMillis(5000); // past worker.min-uptime-ms: no back-off
            loop.supervisor.enqueue(new SupervisorEvent.Stop("SIGTERM"));
            loop.turn();
            loop.launcher.inSlot(0).exit(1);
            loop.turn();
            assertEquals(2, loop.live(), "the pool serves on while the balancer drains it");
        }
    }

    @Test
    void forceDownDoesNotWaitForTheDrain() throws Exception {
        try (LoopHarness loop = new LoopHarness(directory, AGENT)) {
            loop.turn();
            loop.launcher.allAccept();
            loop.control.submit(ParentStatus.FORCE_DOWN);
            loop.clock.advanceMillis(100);
            assertEquals(ExitCodes.OK, loop.turnForExit());
            assertEquals(0, loop.live());
        }
    }

    @Test
    void forceDownOrASecondStopDuringTheDrainEndsItAtOnce() throws Exception {
        for (SupervisorEvent second : List.of(new SupervisorEvent.Stop("SIGTERM"), new SupervisorEvent.ForceStop("jsvc"))) {
            try (LoopHarness loop = new LoopHarness(
                    java.nio.file.Files.createDirectories(directory.resolve(second.getClass().getSimpleName())), AGENT)) {
                loop.turn();
                loop.launcher.allAccept();
                loop.launcher.alive().forEach(w -> w.busy(loop.clock.currentTimeMillis()));
                loop.supervisor.enqueue(new SupervisorEvent.Stop("SIGTERM"));
                loop.turn();
                loop.clock.advanceMillis(300);
                assertNull(loop.turnForExit());
                loop.supervisor.enqueue(second);
                assertEquals(ExitCodes.OK, loop.turnForExit(), second + " during the drain");
                assertEquals(0, loop.live(), "every worker killed");
            }
        }
    }

    @Test
    void withoutAnAgentEndpointWaitDownAsksEveryWorkerToLeaveAtOnce() throws Exception {
        try (LoopHarness loop = new LoopHarness(directory, Map.of("agent.drain-ms", "1000", "pool.min", "2"))) {
            loop.turn();
            loop.launcher.allAccept();
            loop.supervisor.enqueue(new SupervisorEvent.Stop("SIGTERM"));
            loop.turn();
            assertTrue(loop.launcher.alive().stream().allMatch(w -> w.slot.request() == ShutdownRequest.SHUTDOWN));
        }
    }
}
