package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

import dm.it.kit.Await;
import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.EchoLoad;
import dm.it.kit.HandlerJars;
import dm.it.kit.LogTimes;
import dm.it.kit.PoolStatus;

/**
 * worker.max-pss-mib with real JVMs: one worker serves a handler that keeps half a MiB of every
 * connection (LeakingHandler) under steady client load. Once its PSS, read by the supervisor from
 * /proc/PID/smaps_rollup, is over the limit, its replacement starts and accepts before it is told to
 * go; it finishes its connection and leaves; no connection fails. dm-ctl status shows the PSS figures.
 */
@ExtendWith(DmExtension.class)
@Isolated("memory and timing: how far the worker grows before its replacement accepts depends on the load")
class MemoryRecyclingIT {
    static final int LIMIT_MIB = 140;
    static final int LEAK_KIB = 512;

    @TempDir
    Path dir;

    @Test
    void aWorkerThatGrowsBeyondMaxPssIsReplacedFirstAndNoConnectionFails(Daemons daemons) throws Exception {
        Path jar = HandlerJars.testHandlers(dir.resolve("handlers/test-handlers.jar"));
        Map<String, String> settings = new HashMap<>();
        settings.put("worker.handler", "dm.it.handlers.LeakingHandler");
        settings.put("worker.classpath", jar.toString());
        settings.put("handler.leak-kib", "" + LEAK_KIB);
        // One worker takes every connection, so it grows at the rate of the load; min-spare 0 adds none.
        settings.put("pool.min", "1");
        settings.put("pool.max", "3");
        settings.put("pool.min-spare", "0");
        settings.put("worker.max-pss-mib", "" + LIMIT_MIB);
        settings.put("worker.pss-interval-ms", "200");
        // Heap enough for what the worker leaks until its replacement is ready: no OutOfMemoryError muddles the test.
        settings.put("worker.jvm-options", "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -Xmx384m");
        DaemonUnderTest daemon = daemons.start(dir, settings);
        daemon.awaitIdleWorkers(1, Duration.ofSeconds(30));
        PoolStatus.Row fresh = Await.value(Duration.ofSeconds(10), () -> {
            PoolStatus.Row row = daemon.status().row(0);
            return row.pssMib() > 0 ? Optional.of(row) : Optional.empty();
        }, "dm-ctl status to show the PSS of the worker in slot 0");
        long old = fresh.pid();
        assertTrue(fresh.pssMib() < LIMIT_MIB, () -> "an idle worker is below worker.max-pss-mib: " + fresh);

        String recycled = "supervisor: worker " + old + " \\(slot 0\\) uses (\\d+\\.\\d) MiB PSS, over worker\\.max-pss-mib = "
                + LIMIT_MIB + ": its replacement starts in slot (\\d+)$";
        String exited = "supervisor: worker " + old + " \\(slot 0\\) exited: code 0$";
        long loadStart = System.nanoTime();
        int served;
        List<String> failures;
        // About 2 x 25 connections a second, 12.5 MiB a second leaked: a few seconds to reach the limit.
        try (EchoLoad load = new EchoLoad(daemon.port(), 2, 10_000, 40)) {
            daemon.waitForLog(recycled, Duration.ofSeconds(60));
            daemon.waitForLog(exited, Duration.ofSeconds(30));
            int atExit = load.successes();
            Await.until(Duration.ofSeconds(10), () -> load.successes() >= atExit + 10, "ten more connections served");
            load.close();
            served = load.successes();
            failures = load.failures();
        }
        long loadMillis = (System.nanoTime() - loadStart) / 1_000_000;
        assertTrue(failures.isEmpty(), () -> failures.size() + " failed connections: " + failures);

        List<String> lines = daemon.logLines();
        LogTimes.Hit decision = LogTimes.find(lines, recycled).get(0);
        double atRecycle = Double.parseDouble(decision.group(1));
        int replacementSlot = decision.intGroup(2);
        assertTrue(atRecycle > LIMIT_MIB, "the PSS the log gives is over the limit: " + decision.line());
        int decided = lines.indexOf(decision.line());
        int started = LogTimes.indexOf(lines, "supervisor: worker \\d+ \\(slot " + replacementSlot + "\\) started$", decided);
        assertTrue(started > decided, "the replacement started after the decision");
        long replacement = Long.parseLong(lines.get(started).replaceAll(".* worker (\\d+) \\(slot.*", "$1"));
        // Ordered by the supervisor's own lines: a worker's lines pass through the relay, a thread of their own.
        int toldToGo = LogTimes.indexOf(lines, "supervisor: worker " + old + " \\(slot 0\\) is told to go: its replacement,"
                + " worker " + replacement + " \\(slot " + replacementSlot + "\\), accepts$", started);
        int exit = LogTimes.indexOf(lines, exited, 0);
        assertTrue(toldToGo > started && toldToGo < exit,
                "told to go once replacement " + replacement + " accepted, before it left:\n" + String.join("\n", lines));
        assertTrue(LogTimes.indexOf(lines, "dm\\[" + replacement + "\\] slot " + replacementSlot + ": accepting connections",
                started) > started, "the replacement says it accepts");
        assertTrue(LogTimes.indexOf(lines, "dm\\[" + old + "\\] slot 0: leaving: shutdown requested$", started) > started,
                "the old worker finishes and leaves as asked");
        assertEquals(-1, LogTimes.indexOf(lines, "OutOfMemoryError", 0), "no worker ran out of heap");

        // The replacement took over the traffic, fresh: smaller than the one it replaced.
        PoolStatus.Row after = Await.value(Duration.ofSeconds(10), () -> {
            PoolStatus status = daemon.status();
            Optional<PoolStatus.Row> row = status.rows().stream().filter(r -> r.pid() == replacement && r.pssMib() > 0).findFirst();
            return row.isPresent() && !status.workerPids().contains(old) ? row : Optional.empty();
        }, "the replacement " + replacement + " in dm-ctl status with its PSS, and " + old + " gone");
        assertNotEquals(old, after.pid());
        assertTrue(after.requests() > 0, "the replacement served: " + after);
        assertTrue(after.pssMib() < atRecycle, () -> "the replacement is smaller than the worker it replaced: " + after);
        System.out.println("MemoryRecyclingIT: " + decision.line());
        System.out.println("MemoryRecyclingIT: " + lines.get(toldToGo));
        System.out.printf("MemoryRecyclingIT: worker.max-pss-mib = %d, %d KiB leaked per connection; worker %d: %.1f MiB PSS idle,"
                + " %.1f MiB when recycled; replacement %d: %.1f MiB after %d connections; %d connections in %d ms, 0 failed%n",
                LIMIT_MIB, LEAK_KIB, old, fresh.pssMib(), atRecycle, replacement, after.pssMib(), after.requests(), served,
                loadMillis);
    }
}
