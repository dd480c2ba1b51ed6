package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dm.it.kit.Checks;
import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.Echo;
import dm.it.kit.Exec;
import dm.it.kit.Ports;
import dm.it.kit.Processes;
import dm.scoreboard.OwnerLock;

/** Requirement 4: -wdown lets a conversation in progress go on, then the daemon exits 0 leaving nothing. */
@ExtendWith(DmExtension.class)
class WaitDownIT {

    @TempDir
    Path dir;

    @Test
    void waitDownLetsTheConversationFinishThenStopsCleanly(Daemons daemons) throws Exception {
        DaemonUnderTest daemon = daemons.start(dir, Map.of("pool.min", "2", "pool.max", "4",
                "shutdown.timeout-ms", "60000"));
        Path scoreboard = dir.resolve("dm.scoreboard");
        Random random = new Random();
        Echo client = new Echo(daemon.port());
        client.roundTrip(Echo.randomBytes(random, 2000));
        Checks.assertExists(scoreboard);

        Exec.Running wdown = Exec.ctlAsync(dir, daemon.config(), "-wdown");
        daemon.waitForLog("supervisor: dm-ctl asks for wait-down$", Duration.ofSeconds(30));
        // The idle worker leaves; the busy one stays for its client.
        daemon.waitForLog("supervisor: worker \\d+ \\(slot \\d+\\) exited: code 0$", Duration.ofSeconds(15));

        for (int size : new int[] {1, 5000, 100_000, 17}) {
            client.roundTrip(Echo.randomBytes(random, size));
        }
        assertTrue(daemon.process().isAlive(), "daemon still serving the conversation");
        assertTrue(wdown.process().isAlive(), "dm-ctl -wdown waits while the conversation goes on");

        long closed = System.nanoTime();
        client.close();
        int exit = daemon.awaitExit(Duration.ofSeconds(30));
        long daemonGone = System.nanoTime();
        assertEquals(0, exit, "daemon exit code after -wdown");
        Exec.Result result = wdown.await(Duration.ofSeconds(30));
        assertEquals(0, result.exitCode(), () -> "dm-ctl -wdown: " + result);
        assertTrue(result.stdout().contains("wait-down done"), () -> "dm-ctl -wdown: " + result);
        System.out.printf("WaitDownIT: daemon exited %d ms after the client closed%n", (daemonGone - closed) / 1_000_000);

        assertTrue(Ports.isFree(daemon.port()), "port " + daemon.port() + " free after -wdown");
        assertFalse(Files.exists(scoreboard), "scoreboard removed");
        assertFalse(Files.exists(OwnerLock.pathFor(scoreboard)), "scoreboard lock removed");
        assertTrue(Processes.dmJvmsMentioning(daemon.config()).isEmpty(), "no worker left");
    }
}
