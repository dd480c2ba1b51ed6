package dm.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dm.scoreboard.Control;
import dm.scoreboard.Scoreboard;
import dm.scoreboard.Slot;
import dm.scoreboard.WorkerExitCause;
import dm.scoreboard.WorkerState;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/** The series as a scrape shows them, from a real scoreboard: no pid, no -1, counters and histograms by convention. */
class PoolMetricsTest {
    @TempDir
    Path dir;

    private static String text(MetricSnapshots snapshots) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, snapshots);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aRunningPoolAsAScrapeShowsIt() throws Exception {
        try (Scoreboard scoreboard = Scoreboard.create(dir.resolve("scoreboard"), 4)) {
            Control control = scoreboard.control();
            control.announce(4242, 1_700_000_000_000L);
            control.setBacklog(-1); // inherited socket, not known yet
            control.setPoolMin(2);
            Slot busy = scoreboard.slot(0);
            busy.prepare(1_700_000_000_000L, 0);
            busy.setPid(5151);
            busy.setState(WorkerState.IDLE);
            busy.thread(0).setState(WorkerState.IDLE);
            busy.thread(0).beginConnection(new InetSocketAddress("127.0.0.1", 40000), 1_700_000_001_000L);
            control.countAccepted();
            busy.thread(0).observeRequest(3_000_000);
            Slot starting = scoreboard.slot(1);
            starting.prepare(1_700_000_000_000L, 0);
            starting.setPid(5252);
            control.countExit(WorkerExitCause.SIGNAL);
            starting.observeBoot(1_200);

            String text = text(new PoolMetrics(scoreboard).collect());
            System.out.println(text);
            assertTrue(text.contains("\ndm_up 1.0\n"), text);
            assertTrue(Pattern.compile("^dm_build_info\\{version=\"[^\"]+\"} 1", Pattern.MULTILINE).matcher(text).find(),
                    text);
            assertTrue(text.contains("# TYPE dm_accepted_connections_total counter\ndm_accepted_connections_total 1.0\n"),
                    text);
            assertTrue(text.contains("dm_worker_exits_total{cause=\"signal\"} 1.0"), text);
            assertTrue(text.contains("dm_worker_exits_total{cause=\"left\"} 0.0"), "every cause, from 0: " + text);
            assertTrue(text.contains("dm_request_duration_seconds_bucket{le=\"0.0025\"} 0"), text);
            assertTrue(text.contains("dm_request_duration_seconds_bucket{le=\"0.005\"} 1"), "cumulative: " + text);
            assertTrue(text.contains("dm_request_duration_seconds_bucket{le=\"+Inf\"} 1"), text);
            assertTrue(text.contains("dm_request_duration_seconds_count 1"), text);
            assertTrue(text.contains("dm_worker_boot_duration_seconds_bucket{le=\"1.5\"} 1"), text);
            assertTrue(text.contains("dm_workers{state=\"busy\"} 1.0"), text);
            assertTrue(text.contains("dm_workers{state=\"starting\"} 1.0"), text);
            assertTrue(text.contains("dm_worker_requests{slot=\"0\"} 1.0"), text);
            assertTrue(text.contains("dm_threads{state=\"busy\"} 1.0") && text.contains("dm_threads_per_worker 1.0"), text);
            assertFalse(text.contains("slot=\"2\""), "an empty slot has no series: " + text);
            assertTrue(text.contains("dm_pool_min_workers 2.0") && text.contains("dm_pool_max_workers 4.0"), text);
            assertFalse(text.contains("pid"), "no pid, as a label or otherwise: " + text);
            assertFalse(text.contains("dm_listen_backlog"), "unknown backlog left out: " + text);
            assertFalse(text.contains("dm_listen_queue "), "not read yet, no queue: " + text);
            for (String line : text.split("\n")) {
                assertFalse(!line.startsWith("#") && line.matches(".* -\\d.*"), "no negative value: " + line);
            }

            assertTrue(text.contains("\ndm_accepting_threads 1.0\n"), "no limit: every idle or busy thread: " + text);

            control.setBacklog(128);
            control.recordListenQueue(3);
            control.recordAcceptLimit(7);
            String read = text(new PoolMetrics(scoreboard).collect());
            assertTrue(read.contains("\ndm_listen_backlog 128.0\n") && read.contains("\ndm_listen_queue 3.0\n"), read);
            assertTrue(read.contains("\ndm_accepting_threads 7.0\n"), "the limit as the supervisor published it: " + read);
        }
    }

    @Test
    void withNoDaemonOnlyUpZeroAndTheBuild() throws Exception {
        String text = text(PoolMetrics.down());
        List<String> samples = text.lines().filter(line -> !line.startsWith("#")).sorted().toList();
        assertEquals(2, samples.size(), text);
        assertTrue(samples.get(0).startsWith("dm_build_info{version=\""), text);
        assertEquals("dm_up 0.0", samples.get(1), "written as a double, like every gauge");
    }
}
