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

import dm.it.kit.Await;
import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.Echo;
import dm.it.kit.Exec;
import dm.it.kit.HandlerJars;
import dm.it.kit.PoolStatus;
import dm.it.kit.Processes;

/** Requirement 6: kill -9 of the supervisor takes every worker down; a new daemon then starts on the same port and file. */
@ExtendWith(DmExtension.class)
class SupervisorKillIT {

    @TempDir
    Path dir;

    @Test
    void workersDieWithTheSupervisorAndANewDaemonTakesOver(Daemons daemons) throws Exception {
        DaemonUnderTest first = daemons.start(dir, Map.of("pool.min", "3", "pool.max", "4"));
        first.awaitIdleWorkers(3, Duration.ofSeconds(30));
        List<ProcessHandle> workers = first.workerProcesses();
        assertEquals(3, workers.size(), "worker JVMs");

        assertTrue(first.handle().destroyForcibly(), "SIGKILL to the supervisor");
        long killed = System.nanoTime();
        // Gone: exited. Orphans stay zombies until pid 1 reaps them, which is not the daemon's doing.
        Await.until(Duration.ofSeconds(2), () -> workers.stream().noneMatch(Processes::running),
                "every worker gone after the supervisor's kill -9");
        long gone = System.nanoTime();
        System.out.printf("SupervisorKillIT: every worker gone %d ms after kill -9 of the supervisor%n",
                (gone - killed) / 1_000_000);
        assertEquals(137, first.awaitExit(Duration.ofSeconds(5)), "supervisor killed by SIGKILL");

        // The stale scoreboard is recognised as such.
        Exec.Result stale = Exec.ctl(dir, first.config(), "status");
        assertEquals(69, stale.exitCode(), () -> "dm-ctl status on a stale scoreboard: " + stale);
        assertTrue(stale.stderr().contains("no daemon running"), () -> stale.toString());

        Map<String, String> same = DaemonUnderTest.defaults(dir);
        same.put("server.port", Integer.toString(first.port()));
        same.put("pool.min", "2");
        Path config = DaemonUnderTest.writeConfig(dir, "second.properties", same);
        DaemonUnderTest second = daemons.start(dir, config);
        assertEquals(first.port(), second.port(), "same port");
        try (Echo echo = new Echo(second.port())) {
            echo.roundTrip(Echo.randomBytes(new Random(), 70_000));
        }
        PoolStatus status = second.status();
        assertEquals(second.pid(), status.supervisorPid(), "the scoreboard is the new daemon's");
        assertEquals("normal", status.parentStatus());
    }

    /** The kernel's parent-death signal covers a worker from its first moments: one stuck in its handler's start would keep the port. */
    @Test
    void aWorkerStillStartingDiesWithTheSupervisor(Daemons daemons) throws Exception {
        Path jar = HandlerJars.testHandlers(dir.resolve("test-handlers.jar"));
        DaemonUnderTest daemon = daemons.start(dir, Map.of("pool.min", "1", "pool.max", "1",
                "worker.handler", "dm.it.handlers.NeverStartingHandler", "worker.classpath", jar.toString()));
        daemon.waitForLog("NeverStartingHandler: starting, and never done", Duration.ofSeconds(30));
        List<ProcessHandle> workers = daemon.workerProcesses();
        assertEquals(1, workers.size(), "the worker JVM, still booting");

        assertTrue(daemon.handle().destroyForcibly(), "SIGKILL to the supervisor");
        Await.until(Duration.ofSeconds(2), () -> workers.stream().noneMatch(Processes::running),
                "the booting worker gone after the supervisor's kill -9");
        assertEquals(137, daemon.awaitExit(Duration.ofSeconds(5)), "supervisor killed by SIGKILL");
    }
}
