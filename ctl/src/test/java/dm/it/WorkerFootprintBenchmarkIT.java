package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

import dm.it.kit.Await;
import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;

/**
 * Benchmark, not a timed test: prints how long a worker JVM takes from spawn to accepting, and the
 * PSS of an idle worker (/proc/PID/smaps_rollup), with the shipped worker.jvm-options. It asserts
 * only that the figures were read.
 */
@Isolated("a benchmark")
@ExtendWith(DmExtension.class)
class WorkerFootprintBenchmarkIT {
    private static final int WORKERS = 4;
    private static final Pattern ACCEPTING =
            Pattern.compile("dm\\[(\\d+)\\] slot \\d+: accepting connections \\((\\d+) ms after it was spawned\\)");

    @TempDir
    Path dir;

    @Test
    void spawnToAcceptingAndIdlePss(Daemons daemons) throws Exception {
        DaemonUnderTest daemon = daemons.start(dir,
                Map.of("pool.min", "" + WORKERS, "pool.max", "" + WORKERS, "pool.min-spare", "0"));
        Await.until(Duration.ofSeconds(60), () -> count(daemon.logLines()) >= WORKERS, WORKERS + " workers accepting");

        List<Long> startMillis = new ArrayList<>();
        List<Long> pssKib = new ArrayList<>();
        for (String line : daemon.logLines()) {
            Matcher m = ACCEPTING.matcher(line);
            if (m.find()) {
                startMillis.add(Long.parseLong(m.group(2)));
                pssKib.add(pssKib(Long.parseLong(m.group(1))));
            }
        }
        assertEquals(WORKERS, startMillis.size());
        assertTrue(pssKib.stream().allMatch(p -> p > 0), () -> "PSS read for every worker: " + pssKib);
        Collections.sort(startMillis);
        Collections.sort(pssKib);
        System.out.printf("WorkerFootprintBenchmarkIT: %d workers started together on %d cores, JDK %d:"
                + " spawn to accepting min %d ms, median %d ms, max %d ms; idle PSS min %.1f MiB, median %.1f MiB,"
                + " max %.1f MiB%n", WORKERS, Runtime.getRuntime().availableProcessors(), Runtime.version().feature(),
                startMillis.get(0), startMillis.get(WORKERS / 2), startMillis.get(WORKERS - 1), pssKib.get(0) / 1024.0,
                pssKib.get(WORKERS / 2) / 1024.0, pssKib.get(WORKERS - 1) / 1024.0);
    }

    private static long count(List<String> lines) {
        return lines.stream().filter(l -> ACCEPTING.matcher(l).find()).count();
    }

    private static long pssKib(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
            if (line.startsWith("Pss:")) {
                return Long.parseLong(line.replaceAll("\\D+", ""));
            }
        }
        return -1;
    }
}
