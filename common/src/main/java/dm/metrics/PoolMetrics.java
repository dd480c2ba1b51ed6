package dm.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dm.BuildInfo;
import dm.scoreboard.Control;
import dm.scoreboard.Histogram;
import dm.scoreboard.ParentStatus;
import dm.scoreboard.Scoreboard;
import dm.scoreboard.Slot;
import dm.scoreboard.ThreadSlot;
import dm.scoreboard.WorkerExitCause;
import dm.scoreboard.WorkerState;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * Every series dm exports, read from the scoreboard at the moment of the scrape: the supervisor's
 * metrics endpoint (metrics.listen) and dm-ctl metrics both show exactly these. A number the
 * scoreboard does not know yet (backlog and queue before the supervisor's first look at its socket) is
 * left out rather than shown as -1; no series carries a pid, so a replaced worker makes no new series.
 *
 * <p>Only the supervisor and dm-ctl load this class and the Prometheus library: the workers' class
 * path leaves the library out (see the daemon's Generation), and nothing a worker runs refers to it.
 */
public final class PoolMetrics implements MultiCollector {
    private static final WorkerState[] SHOWN_STATES = {WorkerState.IDLE, WorkerState.BUSY, WorkerState.STARTING,
        WorkerState.EXITING};

    private final Scoreboard scoreboard;

    public PoolMetrics(Scoreboard scoreboard) {
        this.scoreboard = scoreboard;
    }

    @Override
    public MetricSnapshots collect() {
        Control control = scoreboard.control();
        List<MetricSnapshot> all = new ArrayList<>(common(control.status() != ParentStatus.STOPPED));
        all.add(gauge("dm_start_time_seconds", "Start time of the daemon, seconds since the epoch",
                control.startedMillis() / 1000.0));
        if (control.poolMin() > 0) {
            all.add(gauge("dm_pool_min_workers", "pool.min: workers the pool never shrinks below", control.poolMin()));
        }
        all.add(gauge("dm_pool_max_workers", "pool.max: upper bound on workers", scoreboard.slotCount()));

        long[] byState = new long[WorkerState.values().length];
        long idleThreads = 0;
        long busyThreads = 0;
        Histogram.Reading requests = Histogram.REQUEST_SECONDS.empty();
        Histogram.Reading boots = Histogram.BOOT_SECONDS.empty();
        GaugeSnapshot.Builder perSlot = GaugeSnapshot.builder().name("dm_worker_requests")
                .help("Connections served by the worker now in the slot (from 0 again for each new worker)");
        GaugeSnapshot.Builder pss = GaugeSnapshot.builder().name("dm_worker_pss_bytes")
                .help("Memory of the worker now in the slot (PSS), as the supervisor last read it");
        for (int i = 0; i < scoreboard.slotCount(); i++) {
            Slot slot = scoreboard.slot(i);
            WorkerState state = slot.state();
            byState[state.ordinal()]++;
            boots = boots.plus(slot.bootDurations());
            WorkerState lifecycle = slot.lifecycle();
            for (int t = 0; t < slot.threadCount(); t++) {
                ThreadSlot thread = slot.thread(t);
                requests = requests.plus(thread.requestDurations());
                // A thread counts as idle or busy only while its worker accepts (as dm-ctl status counts them).
                WorkerState threadState = thread.state();
                if (lifecycle == WorkerState.IDLE || (lifecycle == WorkerState.EXITING && threadState == WorkerState.BUSY)) {
                    if (threadState == WorkerState.IDLE) {
                        idleThreads++;
                    } else if (threadState == WorkerState.BUSY) {
                        busyThreads++;
                    }
                }
            }
            if (state != WorkerState.EMPTY) {
                perSlot.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                        .labels(Labels.of("slot", Integer.toString(i))).value(slot.calls()).build());
                if (slot.pssKib() > 0) { // not read yet: no sample, rather than a made-up one
                    pss.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                            .labels(Labels.of("slot", Integer.toString(i))).value(slot.pssKib() * 1024.0).build());
                }
            }
        }
        GaugeSnapshot.Builder workers = GaugeSnapshot.builder().name("dm_workers").help("Workers by state");
        for (WorkerState state : SHOWN_STATES) {
            workers.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                    .labels(Labels.of("state", state.name().toLowerCase(Locale.ROOT))).value(byState[state.ordinal()])
                    .build());
        }
        all.add(workers.build());
        all.add(gauge("dm_threads_per_worker", "Connections each worker serves at once (worker.threads)",
                scoreboard.slotCount() > 0 ? scoreboard.slot(0).threadCount() : 0));
        all.add(GaugeSnapshot.builder().name("dm_threads").help("Accepting threads of live workers by state")
                .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(Labels.of("state", "idle"))
                        .value(idleThreads).build())
                .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(Labels.of("state", "busy"))
                        .value(busyThreads).build())
                .build());
        int acceptLimit = control.acceptLimit(); // -1 (0 before the supervisor announced itself): no limit
        all.add(gauge("dm_accepting_threads", "Threads that may take new connections: fewer than dm_threads while"
                + " the CPU is saturated (pool.saturated-threads), the others standing by",
                acceptLimit > 0 ? acceptLimit : idleThreads + busyThreads));
        all.add(gauge("dm_max_busy_threads", "Most threads (connections) busy at once since start", control.maxBusy()));
        all.add(counter("dm_max_workers_reached", "Times the pool needed to grow beyond pool.max", control.maxReached()));

        all.add(counter("dm_accepted_connections", "Connections accepted by every worker", control.accepted()));
        all.add(histogram("dm_request_duration_seconds", "Connections from accept to close, in seconds",
                requests));
        all.add(counter("dm_slow_requests", "Connections busy longer than worker.slow-request-ms",
                control.slowRequests()));
        all.add(counter("dm_client_resets", "Connections reset by the client while a worker served them",
                control.clientResets()));
        all.add(counter("dm_timeout_kills", "Workers killed by a request or graceful timeout", control.timeoutKills()));
        CounterSnapshot.Builder exits = CounterSnapshot.builder().name("dm_worker_exits")
                .help("Workers that exited, by cause: left (asked to), recycled (worker.max-requests), killed (by dm),"
                        + " signal (not sent by dm), boot_failed, error");
        for (WorkerExitCause cause : WorkerExitCause.values()) {
            exits.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                    .labels(Labels.of("cause", cause.label())).value(control.exits(cause)).build());
        }
        all.add(exits.build());
        all.add(histogram("dm_worker_boot_duration_seconds",
                "Worker boot times, from the start of its JVM to accepting, in seconds", boots));

        // As the supervisor published it on its last tick (TCP_INFO): a scrape reads no /proc/net/tcp.
        long queued = control.listenQueue();
        if (queued >= 0) {
            all.add(gauge("dm_listen_queue", "Connections waiting in the accept queue now", queued));
        }
        all.add(gauge("dm_listen_queue_max_seen", "Longest accept queue the supervisor has seen since start",
                control.maxListenQueue()));
        if (control.backlog() > 0) {
            all.add(gauge("dm_listen_backlog", "Length the accept queue may reach (server.backlog, or the inherited"
                    + " socket's)", control.backlog()));
        }
        all.add(perSlot.build());
        all.add(pss.build());
        return new MetricSnapshots(all);
    }

    /** What a scrape shows when no daemon runs: dm_up 0, so that a textfile collector does not keep an old 1. */
    public static MetricSnapshots down() {
        return new MetricSnapshots(common(false));
    }

    private static List<MetricSnapshot> common(boolean up) {
        return List.of(gauge("dm_up", "1 while the daemon runs, 0 when it does not", up ? 1 : 0),
                InfoSnapshot.builder().name("dm_build").help("The version of dm that answers")
                        .dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder()
                                .labels(Labels.of("version", BuildInfo.number())).build())
                        .build());
    }

    private static GaugeSnapshot gauge(String name, String help, double value) {
        return GaugeSnapshot.builder().name(name).help(help)
                .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).build()).build();
    }

    /** {@code name} without _total: the exposition adds it. */
    private static CounterSnapshot counter(String name, String help, double value) {
        return CounterSnapshot.builder().name(name).help(help)
                .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(value).build()).build();
    }

    private static HistogramSnapshot histogram(String name, String help, Histogram.Reading reading) {
        double[] bounds = new double[reading.counts().length];
        System.arraycopy(reading.upperBounds(), 0, bounds, 0, reading.upperBounds().length);
        bounds[bounds.length - 1] = Double.POSITIVE_INFINITY;
        return HistogramSnapshot.builder().name(name).help(help)
                .dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                        .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, reading.counts()))
                        .sum(reading.sum()).build())
                .build();
    }
}
