package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dm.it.kit.Await;
import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.EchoLoad;
import dm.it.kit.Exec;
import dm.it.kit.LogTimes;
import dm.it.kit.PoolStatus;

/**
 * Many restarts under load leak nothing in the supervisor: its threads, open files and heap after
 * a full GC come back to within a small constant of what they were after the first restart
 * (the pool is fixed at 3 workers, so each worker's relay thread and pipe count the same every time).
 * 4 restarts in CI; -Ddm.leak.restarts=20 for the long form.
 */
@ExtendWith(DmExtension.class)
class RestartLeakIT {
    static final int RESTARTS = Integer.getInteger("dm.leak.restarts", 4);
    static final int WORKERS = 3;
    static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    @TempDir
    Path dir;

    record Footprint(long threads, long openFiles, long heapKib) {
    }

    /** 20 restarts (-Ddm.leak.restarts=20) each wait for a half of fresh JVMs to boot: more than 3 minutes under load. */
    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void restartsUnderLoadLeakNoThreadFileOrHeap(Daemons daemons) throws Exception {
        DaemonUnderTest daemon = daemons.start(dir, Map.of("pool.min", Integer.toString(WORKERS),
                "pool.max", Integer.toString(WORKERS), "pool.min-spare", "0"));
        daemon.awaitIdleWorkers(WORKERS, Duration.ofSeconds(60));
        Footprint warm = null;
        Footprint last = null;
        try (EchoLoad load = new EchoLoad(daemon.port(), 2, 30_000)) {
            for (int restart = 1; restart <= RESTARTS; restart++) {
                Exec.Result result = Exec.ctl(dir, daemon.config(), "-restart");
                assertEquals(0, result.exitCode(), () -> "dm-ctl -restart: " + result);
                Footprint now = settledFootprint(daemon);
                if (warm == null) {
                    warm = now;
                }
                last = now;
            }
            load.close();
            assertTrue(load.failures().isEmpty(), () -> "failed connections: " + load.failures());
        }
        System.out.printf("RestartLeakIT: after restart 1: %d threads, %d open files, %d KiB heap after GC;"
                + " after restart %d: %d threads, %d open files, %d KiB heap after GC%n", warm.threads(),
                warm.openFiles(), warm.heapKib(), RESTARTS, last.threads(), last.openFiles(), last.heapKib());
        Footprint first = warm;
        Footprint end = last;
        assertTrue(end.threads() <= first.threads() + 2, () -> "threads grew: " + first + " -> " + end);
        assertTrue(end.openFiles() <= first.openFiles() + 2, () -> "open files grew: " + first + " -> " + end);
        assertTrue(end.heapKib() <= first.heapKib() + 2048, () -> "heap after GC grew: " + first + " -> " + end);
    }

    /** Once the pool is back to its size with no worker leaving and no relay thread of a gone worker left. */
    private static Footprint settledFootprint(DaemonUnderTest daemon) {
        daemon.awaitIdleWorkers(1, Duration.ofSeconds(60));
        return Await.value(Duration.ofSeconds(30), () -> {
            if (daemon.workerProcesses().size() != WORKERS) {
                return java.util.Optional.empty();
            }
            Footprint first = footprint(daemon);
            Footprint again = footprint(daemon);
            return first.threads() == again.threads() && first.openFiles() == again.openFiles()
                    ? java.util.Optional.of(again) : java.util.Optional.empty();
        }, "the supervisor's threads and files to settle");
    }

    private static Footprint footprint(DaemonUnderTest daemon) {
        long pid = daemon.pid();
        try {
            long threads = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                    .filter(l -> l.startsWith("Threads:")).mapToLong(l -> Long.parseLong(l.substring(8).strip()))
                    .findFirst().orElseThrow();
            long files;
            try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
                files = fds.count();
            }
            return new Footprint(threads, files, heapAfterGc(daemon));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static long heapAfterGc(DaemonUnderTest daemon) {
        long pid = daemon.pid();
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Exec.Result gc = Exec.run(daemon.dir(), Duration.ofSeconds(30), List.of(jcmd, Long.toString(pid), "GC.run"));
        assertEquals(0, gc.exitCode(), () -> "jcmd GC.run: " + gc);
        Exec.Result info = Exec.run(daemon.dir(), Duration.ofSeconds(30), List.of(jcmd, Long.toString(pid), "GC.heap_info"));
        assertEquals(0, info.exitCode(), () -> "jcmd GC.heap_info: " + info);
        long used = 0;
        Matcher matcher = HEAP_USED.matcher(info.stdout());
        while (matcher.find()) {
            used += Long.parseLong(matcher.group(1)); // every generation's "used"
        }
        return used;
    }
}
