package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
import dm.it.kit.Ports;
import dm.it.kit.Processes;

/** Requirement 5: -fdown leaves no process and a free port within a second. */
@ExtendWith(DmExtension.class)
class ForceDownIT {

    @TempDir
    Path dir;

    @Test
    void forceDownLeavesNoProcessAndAFreePort(Daemons daemons) throws Exception {
        // One spare is enough: with the default two, the busy conversation below would make the pool grow.
        DaemonUnderTest daemon = daemons.start(dir, Map.of("pool.min", "2", "pool.max", "4", "pool.min-spare", "1"));
        daemon.awaitIdleWorkers(2, Duration.ofSeconds(30));
        try (Echo busy = new Echo(daemon.port())) {
            busy.roundTrip(Echo.randomBytes(new Random(), 1000)); // one worker busy with an open conversation

            List<ProcessHandle> all = new ArrayList<>(daemon.workerProcesses());
            assertEquals(2, all.size(), "worker JVMs before -fdown");
            all.add(daemon.handle());

            Exec.Result result = Exec.ctl(dir, daemon.config(), "-fdown");
            long returned = System.nanoTime();
            assertEquals(0, result.exitCode(), () -> "dm-ctl -fdown: " + result);
            assertTrue(result.stdout().contains("force-down done"), () -> "dm-ctl -fdown: " + result);

            Await.until(Duration.ofSeconds(2), () -> all.stream().noneMatch(Processes::running)
                    && Ports.isFree(daemon.port()), "supervisor and workers gone and port free after -fdown");
            long gone = System.nanoTime();
            System.out.printf("ForceDownIT: no process left and port free %d ms after dm-ctl -fdown returned "
                    + "(dm-ctl itself took %d ms)%n", (gone - returned) / 1_000_000, result.elapsed().toMillis());
            assertEquals(0, daemon.awaitExit(Duration.ofSeconds(1)), "daemon exit code after -fdown");
            assertTrue(Processes.dmJvmsMentioning(daemon.config()).isEmpty(), "no dm JVM of this configuration");
            assertFalse(Files.exists(dir.resolve("dm.scoreboard")), "scoreboard removed");
        }
    }
}
