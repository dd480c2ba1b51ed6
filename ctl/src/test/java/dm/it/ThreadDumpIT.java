package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.Echo;
import dm.it.kit.Exec;
import dm.it.kit.HandlerJars;
import dm.it.kit.LogTimes;

/**
 * A worker stuck past worker.request-timeout-ms gets SIGQUIT first: its JVM prints a thread dump,
 * which reaches the log through the supervisor's relay with the worker's pid and slot on every line,
 * and shows the stuck handler's frame; SIGKILL follows after the grace. Also for a worker that was
 * asked to leave before it got stuck (closing its listener must not cost it its output).
 */
@ExtendWith(DmExtension.class)
class ThreadDumpIT {
    static final int REQUEST_TIMEOUT_MS = 1500;
    /** Room for the restart to reach the worker before the timeout, on a loaded machine. */
    static final int LONGER_REQUEST_TIMEOUT_MS = 4000;

    @TempDir
    Path dir;

    @Test
    void theLogShowsWhereTheKilledWorkerHung(Daemons daemons) throws Exception {
        DaemonUnderTest daemon = start(daemons, REQUEST_TIMEOUT_MS);
        long pid = daemon.awaitIdleWorkers(1, Duration.ofSeconds(30)).row(0).pid();
        try (Echo client = new Echo(daemon.port(), 30_000)) {
            client.send(new byte[] {'x'});
            assertEquals(-1, readOrBroken(client), "the client loses its connection when the worker is killed");
        }
        String frame = assertThreadDumpBeforeTheKill(daemon, pid, REQUEST_TIMEOUT_MS);
        System.out.println("ThreadDumpIT: " + frame);
        daemon.awaitIdleWorkers(1, Duration.ofSeconds(30)); // replaced
    }

    @Test
    void aWorkerAskedToLeaveBeforeItHungStillLogsItsThreadDump(Daemons daemons) throws Exception {
        DaemonUnderTest daemon = start(daemons, LONGER_REQUEST_TIMEOUT_MS);
        long pid = daemon.awaitIdleWorkers(1, Duration.ofSeconds(30)).row(0).pid();
        try (Echo client = new Echo(daemon.port(), 30_000)) {
            client.send(new byte[] {'x'});
            assertEquals(pid, daemon.awaitServing(client.localPort(), Duration.ofSeconds(10)).pid());
            // SIGHUP, not dm-ctl (a JVM to start first): the restart asks the worker to leave at once, and its
            // watchdog closes the listener while the handler hangs.
            Exec.Result hup = Exec.run(dir, Duration.ofSeconds(10), List.of("kill", "-HUP", Long.toString(daemon.pid())));
            assertEquals(0, hup.exitCode(), () -> "kill -HUP: " + hup);
            assertEquals(-1, readOrBroken(client), "the client loses its connection when the worker is killed");
        }
        List<String> lines = daemon.logLines();
        int asked = LogTimes.indexOf(lines, "supervisor: restart: replacing \\d+ workers", 0);
        int quit = LogTimes.indexOf(lines, "supervisor: worker " + pid + " \\(slot 0\\): SIGQUIT", 0);
        assertTrue(asked >= 0 && asked < quit, () -> "asked to leave before the timeout:\n" + String.join("\n", lines));
        assertThreadDumpBeforeTheKill(daemon, pid, LONGER_REQUEST_TIMEOUT_MS);
        daemon.waitForLog("supervisor: restart: every worker replaced$", Duration.ofSeconds(60));
    }

    private DaemonUnderTest start(Daemons daemons, int requestTimeoutMillis) {
        Path jar = HandlerJars.testHandlers(dir.resolve("handlers/test-handlers.jar"));
        return daemons.start(dir, Map.of("worker.handler", "dm.it.handlers.HangingHandler",
                "worker.classpath", jar.toString(), "pool.min", "1", "pool.max", "2", "pool.min-spare", "0",
                "worker.request-timeout-ms", "" + requestTimeoutMillis));
    }

    /** The SIGQUIT, the dump under the worker's prefix with HangingHandler.hangHere in it, then the SIGKILL; the frame line. */
    private static String assertThreadDumpBeforeTheKill(DaemonUnderTest daemon, long pid, int requestTimeoutMillis) {
        String tag = "dm\\[" + pid + "\\] slot 0: ";
        daemon.waitForLog("supervisor: worker " + pid + " \\(slot 0\\) killed after request timeout: slot 0, client"
                + " 127\\.0\\.0\\.1:\\d+, busy for \\d+ ms \\(worker\\.request-timeout-ms = " + requestTimeoutMillis + "\\)$",
                Duration.ofSeconds(10));
        List<String> lines = daemon.logLines();
        String all = String.join("\n", lines);
        int quit = LogTimes.indexOf(lines, "INFO  dm\\[\\d+\\] supervisor: worker " + pid + " \\(slot 0\\): SIGQUIT for a"
                + " thread dump \\(its lines follow, under dm\\[" + pid + "\\]\\); SIGKILL in 1000 ms$", 0);
        int header = LogTimes.indexOf(lines, tag + "Full thread dump ", quit);
        int main = LogTimes.indexOf(lines, tag + "\"main\" ", header);
        int frame = LogTimes.indexOf(lines, "^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  " + tag
                + "\\s+at dm\\.it\\.handlers\\.HangingHandler\\.hangHere\\(HangingHandler\\.java:\\d+\\)$", main);
        int killed = LogTimes.indexOf(lines, "supervisor: worker " + pid + " \\(slot 0\\) killed after request timeout", quit);
        assertTrue(quit >= 0, () -> "the SIGQUIT is logged:\n" + all);
        assertTrue(header > quit, () -> "the JVM's thread dump, tagged with the worker, after the SIGQUIT:\n" + all);
        assertTrue(main > header, () -> "the main thread in the dump:\n" + all);
        assertTrue(frame > main && frame < killed, () -> "the stuck frame, tagged with the worker, before its exit:\n" + all);
        long graceMillis = LogTimes.millis(lines.get(killed)) - LogTimes.millis(lines.get(quit));
        assertTrue(graceMillis >= 1000, "SIGKILL came 1000 ms after the SIGQUIT, not at once: " + graceMillis + " ms");
        System.out.println("ThreadDumpIT: worker " + pid + ": SIGKILL " + graceMillis + " ms after the SIGQUIT; "
                + (killed - header) + " lines of thread dump between");
        return lines.get(frame);
    }

    /** -1 when the connection ends (end of stream or reset), else the byte read. */
    private static int readOrBroken(Echo client) {
        try {
            return client.socket.getInputStream().read();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the hung worker's connection was not broken within 30 s");
        } catch (IOException e) {
            return -1;
        }
    }
}
