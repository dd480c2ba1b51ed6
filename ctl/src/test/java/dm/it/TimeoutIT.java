package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

import dm.it.kit.AccessLogFile;
import dm.it.kit.Await;
import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.Echo;
import dm.it.kit.Exec;
import dm.it.kit.LineClient;
import dm.it.kit.LogTimes;
import dm.it.kit.PoolStatus;

/**
 * worker.request-timeout-ms kills a worker kept busy too long; worker.read-timeout-ms closes a silent
 * connection and the worker lives on; the graceful timeout (shutdown.timeout-ms) of -restart and -wdown
 * kills a worker that does not finish, and both the log and dm-ctl say so (with progress while waiting).
 */
@Isolated("timing")
@ExtendWith(DmExtension.class)
class TimeoutIT {
    static final int REQUEST_TIMEOUT_MS = 1500;
    static final int READ_TIMEOUT_MS = 700;
    static final int GRACEFUL_TIMEOUT_MS = 2000;

    @TempDir
    Path dir;

    @Test
    void requestTimeoutKillsTheWorkerAndReadTimeoutOnlyClosesTheConnection(Daemons daemons) throws Exception {
        DaemonUnderTest daemon = daemons.start(dir, Map.of("worker.handler", "dm.handler.LineProtocolHandler",
                "pool.min", "2", "pool.max", "2", "worker.request-timeout-ms", "" + REQUEST_TIMEOUT_MS,
                "worker.read-timeout-ms", "" + READ_TIMEOUT_MS, "log.access-file", dir.resolve("access.log").toString()));
        daemon.awaitIdleWorkers(2, Duration.ofSeconds(30));

        // A client that keeps its worker busy, sending a request every 100 ms, until the connection breaks.
        LineClient busy = new LineClient(daemon.port(), 10_000);
        LineClient.Who busyWorker = busy.who();
        long busyStart = System.nanoTime();
        CompletableFuture<Long> busyBroken = CompletableFuture.supplyAsync(() -> {
            try (busy) {
                while (System.nanoTime() - busyStart < TimeUnit.SECONDS.toNanos(20)) {
                    if (busy.ask("PING") == null) {
                        break;
                    }
                    Thread.sleep(100);
                }
            } catch (IOException e) {
                // reset by the kill: what we wait for
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - busyStart);
        });

        // Meanwhile a client that connects and sends nothing: the other worker closes it after the read timeout.
        long silentStart = System.nanoTime();
        int silentEnd;
        long silentMillis;
        int silentPort;
        try (Echo silent = new Echo(daemon.port(), 10_000)) {
            silentPort = silent.localPort();
            try {
                silentEnd = silent.read();
            } catch (SocketTimeoutException e) {
                throw new AssertionError("a silent client was not disconnected within 10 s");
            }
            silentMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - silentStart);
        }
        assertEquals(-1, silentEnd, "the silent client gets end of stream");
        System.out.println("TimeoutIT: silent client disconnected after " + silentMillis + " ms (worker.read-timeout-ms = "
                + READ_TIMEOUT_MS + ")");
        assertTrue(silentMillis >= READ_TIMEOUT_MS - 50 && silentMillis < READ_TIMEOUT_MS + 3000,
                "disconnected after about worker.read-timeout-ms: " + silentMillis + " ms");
        // The access log says how it ended, and who served it.
        Matcher closed = Await.value(Duration.ofSeconds(10), () -> AccessLogFile.lines(dir.resolve("access.log")).stream()
                .map(AccessLogFile.LINE::matcher).filter(m -> m.matches() && m.group(1).equals("" + silentPort)).findFirst(),
                "the silent client's access log line");
        assertEquals("timeout", closed.group(8), () -> "closed by the read timeout: " + closed.group());
        assertEquals("0", closed.group(5), () -> "nothing received: " + closed.group());
        long closedAfterMicros = Long.parseLong(closed.group(7));
        assertTrue(closedAfterMicros >= READ_TIMEOUT_MS * 1_000L, () -> "not before the read timeout: " + closed.group());
        long silentWorker = Long.parseLong(closed.group(3));
        assertNotEquals(busyWorker.pid(), silentWorker, "the other worker served the silent client");

        long busyMillis = busyBroken.get(30, TimeUnit.SECONDS);
        System.out.println("TimeoutIT: busy client's connection broken after " + busyMillis + " ms (worker.request-timeout-ms = "
                + REQUEST_TIMEOUT_MS + ")");
        assertTrue(busyMillis >= REQUEST_TIMEOUT_MS - 50 && busyMillis < REQUEST_TIMEOUT_MS + 5000,
                "the busy connection broke after about worker.request-timeout-ms: " + busyMillis + " ms");
        String killed = "killed after request timeout: slot " + busyWorker.slot() + ", client 127\\.0\\.0\\.1:"
                + busy.socket.getLocalPort() + ", busy for (\\d+) ms \\(worker\\.request-timeout-ms = " + REQUEST_TIMEOUT_MS + "\\)$";
        Matcher warning = daemon.waitForLog("WARN  dm\\[\\d+\\] supervisor: worker " + busyWorker.pid() + " " + killed,
                Duration.ofSeconds(10));
        long busyFor = Long.parseLong(warning.group(1));
        assertTrue(busyFor > REQUEST_TIMEOUT_MS && busyFor < REQUEST_TIMEOUT_MS + 3000, "busy for " + busyFor + " ms");
        daemon.waitForLog("supervisor: worker " + busyWorker.pid() + " \\(slot " + busyWorker.slot() + "\\) " + killed,
                Duration.ofSeconds(10));
        Await.until(Duration.ofSeconds(10), () -> {
            List<String> lines = daemon.logLines();
            int kill = LogTimes.indexOf(lines, "supervisor: worker " + busyWorker.pid() + " \\(slot " + busyWorker.slot()
                    + "\\) killed after request timeout", 0);
            return kill >= 0 && LogTimes.indexOf(lines, "supervisor: worker \\d+ \\(slot " + busyWorker.slot()
                    + "\\) started$", kill) > kill;
        }, "a new worker started in slot " + busyWorker.slot() + " after the kill");

        // The slot has a new worker; the silent client's worker is the same process and serves again.
        PoolStatus status = Await.value(Duration.ofSeconds(30), () -> {
            PoolStatus s = daemon.status();
            return s.idle() == 2 ? java.util.Optional.of(s) : java.util.Optional.empty();
        }, "two idle workers again");
        System.out.println("TimeoutIT: after the timeouts:\n" + status.text());
        long newPid = status.row(busyWorker.slot()).pid();
        assertNotEquals(busyWorker.pid(), newPid, "slot " + busyWorker.slot() + " got a new worker");
        assertEquals(Long.valueOf(newPid), daemon.liveWorkersByLog().get(busyWorker.slot()), "the log agrees");
        assertTrue(status.rows().stream().anyMatch(r -> r.pid() == silentWorker), "the silent client's worker lives on");
        assertEquals(1, status.timeoutKills(), "workers killed by timeouts");
        assertEquals(2, status.accepted(), "accepted connections");
        assertTrue(daemon.logLines().stream().noneMatch(l -> l.contains("worker " + silentWorker + " (slot")
                && !l.endsWith("started")), "the silent client's worker never exited");
        for (int i = 0; i < 4; i++) {
            try (LineClient again = new LineClient(daemon.port(), 10_000)) {
                assertEquals("PONG", again.ask("PING"));
            }
        }
    }

    @Test
    void gracefulTimeoutOfRestartAndWaitDownKillsTheBusyWorkerAndSaysSo(Daemons daemons) throws Exception {
        // One worker and no spares: the busy one is the only one.
        DaemonUnderTest daemon = daemons.start(dir, Map.of("pool.min", "1", "pool.max", "2",
                "pool.min-spare", "0", "shutdown.timeout-ms", "" + GRACEFUL_TIMEOUT_MS));
        PoolStatus before = daemon.awaitIdleWorkers(1, Duration.ofSeconds(30));
        long oldPid = before.rows().get(0).pid();
        Random random = new Random();

        // -restart while the only worker serves a client that never finishes.
        Echo first = new Echo(daemon.port(), 30_000);
        first.roundTrip(Echo.randomBytes(random, 100));
        Exec.Result restart = Exec.ctl(dir, daemon.config(), "-restart");
        System.out.println("TimeoutIT: " + restart);
        assertEquals(0, restart.exitCode(), () -> "dm-ctl -restart: " + restart);
        assertTrue(restart.elapsed().toMillis() >= GRACEFUL_TIMEOUT_MS, "restart waited for the graceful timeout");
        assertTrue(restart.stdout().matches("(?s).*dm-ctl: restart: 0 of 1 workers replaced \\.\\.\\.\n.*"),
                () -> "progress while the restart waits: " + restart);
        assertTrue(restart.stdout().matches("(?s).*dm-ctl: restart done in \\d+\\.\\d s: workers \\[" + oldPid
                + "\\] replaced by \\[\\d+\\]; 1 worker\\(s\\) killed after the graceful timeout \\(shutdown\\.timeout-ms\\)\n"),
                () -> "dm-ctl says a worker was killed: " + restart);
        daemon.waitForLog("WARN  dm\\[\\d+\\] supervisor: child-restart: worker " + oldPid + " \\(slot 0\\) killed: still busy after"
                + " the graceful timeout \\(shutdown\\.timeout-ms = " + GRACEFUL_TIMEOUT_MS + "\\)$", Duration.ofSeconds(5));
        daemon.waitForLog("supervisor: worker " + oldPid + " \\(slot 0\\) killed: still busy after the graceful timeout",
                Duration.ofSeconds(5));
        assertEquals(-1, readOrBroken(first), "the killed worker's client loses its connection");
        first.close();

        // -wdown while the new worker serves a client that never finishes.
        PoolStatus restarted = daemon.awaitIdleWorkers(1, Duration.ofSeconds(30));
        long newPid = restarted.rows().get(0).pid();
        assertNotEquals(oldPid, newPid, "restarted worker");
        Echo second = new Echo(daemon.port(), 30_000);
        second.roundTrip(Echo.randomBytes(random, 100));
        Exec.Result waitDown = Exec.ctl(dir, daemon.config(), "-wdown");
        System.out.println("TimeoutIT: " + waitDown);
        assertEquals(0, waitDown.exitCode(), () -> "dm-ctl -wdown: " + waitDown);
        assertTrue(waitDown.elapsed().toMillis() >= GRACEFUL_TIMEOUT_MS, "wait-down waited for the graceful timeout");
        assertTrue(waitDown.stdout().matches("(?s).*dm-ctl: wait-down: 1 workers left, 1 of them busy \\.\\.\\.\n.*"),
                () -> "progress while wait-down waits: " + waitDown);
        assertTrue(waitDown.stdout().matches("(?s).*dm-ctl: wait-down done in \\d+\\.\\d s: daemon " + daemon.pid()
                + " and its 1 workers have stopped; 1 worker\\(s\\) killed after the graceful timeout \\(shutdown\\.timeout-ms\\)\n"),
                () -> "dm-ctl says a worker was killed: " + waitDown);
        assertEquals(0, daemon.awaitExit(Duration.ofSeconds(10)), "daemon exit code after -wdown");
        assertTrue(daemon.logContains("WARN  dm\\[\\d+\\] supervisor: wait-down: worker " + newPid + " \\(slot 0\\) killed: still busy"
                + " after the graceful timeout \\(shutdown\\.timeout-ms = " + GRACEFUL_TIMEOUT_MS + "\\)$"), "the log says so");
        assertEquals(-1, readOrBroken(second), "the killed worker's client loses its connection");
        second.close();
    }

    /** -1 when the connection ends (end of stream or reset), else the byte read. */
    private static int readOrBroken(Echo client) {
        try {
            return client.read();
        } catch (SocketTimeoutException e) {
            return -2;
        } catch (IOException e) {
            return -1;
        }
    }
}
