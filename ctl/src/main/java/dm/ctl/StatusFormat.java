package dm.ctl;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import dm.net.Addresses;
import dm.scoreboard.WorkerState;

/** Renders a {@link PoolSnapshot} as text, JSON, or Prometheus metrics. */
final class StatusFormat {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private StatusFormat() {
    }

    static String text(PoolSnapshot s) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("daemon pid %d, status %s, started %s (up %s), port %d%n", s.supervisorPid(),
                s.status().label(), time(s.startedMillis()), duration(s.uptimeMillis()), s.port()));
        out.append(String.format("workers: %d total, %d idle, %d busy, %d starting, %d leaving; max busy %d,"
                + " pool.max reached %d times%n", s.workers().size(), s.count(WorkerState.IDLE),
                s.count(WorkerState.BUSY), s.count(WorkerState.STARTING), s.count(WorkerState.EXITING), s.maxBusy(),
                s.maxReached()));
        out.append(String.format("threads: %d per worker, %d idle, %d busy%n", s.threadsPerWorker(),
                s.countThreads(WorkerState.IDLE), s.countThreads(WorkerState.BUSY)));
        out.append(String.format("connections: %d accepted, %d slow, %d reset by clients, %d workers killed by timeouts;"
                + " listen queue %s now, %d max seen, backlog %s%n", s.accepted(), s.slowRequests(), s.clientResets(),
                s.timeoutKills(), unknownIfNegative(s.listenQueue()), s.maxListenQueue(), unknownIfNegative(s.backlog())));
        out.append("scoreboard: ").append(s.scoreboardLine())
                .append("   (_ idle, W busy, S starting, G leaving, . empty)").append(System.lineSeparator());
        out.append(String.format("%4s  %8s  %-8s  %7s  %-19s  %8s  %10s  %9s  %s%n", "SLOT", "PID", "STATE", "THREADS",
                "STARTED", "REQUESTS", "PSS", "BUSY", "CLIENT"));
        for (PoolSnapshot.Worker w : s.workers()) {
            out.append(String.format("%4d  %8d  %-8s  %7s  %-19s  %8d  %10s  %9s  %s%n", w.slot(), w.pid(),
                    w.state().name().toLowerCase(Locale.ROOT), w.busyThreads() + "/" + w.threads().size(),
                    time(w.startedMillis()), w.calls(), mib(w.pssKib()), millis(w.busyMillis()), client(w.client())));
        }
        return out.toString();
    }

    /** {@code dm-ctl status --threads}: the pool lines, then one row per thread of every live worker. */
    static String threads(PoolSnapshot s) {
        String text = text(s);
        StringBuilder out = new StringBuilder(text.substring(0, text.indexOf("SLOT ")));
        out.append(String.format("%4s  %6s  %8s  %-8s  %8s  %9s  %s%n", "SLOT", "THREAD", "PID", "STATE", "REQUESTS",
                "BUSY", "CLIENT"));
        for (PoolSnapshot.Worker w : s.workers()) {
            for (PoolSnapshot.WorkerThread t : w.threads()) {
                out.append(String.format("%4d  %6d  %8d  %-8s  %8d  %9s  %s%n", w.slot(), t.index(), w.pid(),
                        t.state().name().toLowerCase(Locale.ROOT), t.calls(), millis(t.busyMillis()), client(t.client())));
            }
        }
        return out.toString();
    }

    private static String millis(long busyMillis) {
        return busyMillis < 0 ? "-" : busyMillis + " ms";
    }

    private static String client(java.net.InetSocketAddress client) {
        return client == null ? "-" : Addresses.format(client);
    }

    static String json(PoolSnapshot s) {
        StringBuilder out = new StringBuilder("{");
        field(out, "supervisor_pid", s.supervisorPid()).append(',');
        field(out, "status", s.status().label()).append(',');
        field(out, "started", Instant.ofEpochMilli(s.startedMillis()).toString()).append(',');
        field(out, "uptime_ms", s.uptimeMillis()).append(',');
        field(out, "port", s.port()).append(',');
        field(out, "scoreboard", s.scoreboardFile().toString()).append(',');
        field(out, "accepted_connections", s.accepted()).append(',');
        field(out, "listen_queue", s.listenQueue()).append(',');
        field(out, "max_listen_queue", s.maxListenQueue()).append(',');
        field(out, "backlog", s.backlog()).append(',');
        field(out, "idle_workers", s.count(WorkerState.IDLE)).append(',');
        field(out, "busy_workers", s.count(WorkerState.BUSY)).append(',');
        field(out, "starting_workers", s.count(WorkerState.STARTING)).append(',');
        field(out, "total_workers", s.workers().size()).append(',');
        field(out, "threads_per_worker", s.threadsPerWorker()).append(',');
        field(out, "idle_threads", s.countThreads(WorkerState.IDLE)).append(',');
        field(out, "busy_threads", s.countThreads(WorkerState.BUSY)).append(',');
        field(out, "max_busy_threads", s.maxBusy()).append(',');
        field(out, "max_workers_reached", s.maxReached()).append(',');
        field(out, "slow_requests", s.slowRequests()).append(',');
        field(out, "client_resets", s.clientResets()).append(',');
        field(out, "timeout_kills", s.timeoutKills()).append(',');
        field(out, "scoreboard_line", s.scoreboardLine()).append(",\"workers\":[");
        for (int i = 0; i < s.workers().size(); i++) {
            PoolSnapshot.Worker w = s.workers().get(i);
            out.append(i == 0 ? "{" : ",{");
            field(out, "slot", w.slot()).append(',');
            field(out, "pid", w.pid()).append(',');
            field(out, "state", w.state().name().toLowerCase(Locale.ROOT)).append(',');
            field(out, "started", Instant.ofEpochMilli(w.startedMillis()).toString()).append(',');
            field(out, "requests", w.calls()).append(',');
            field(out, "request_duration_ms", w.busyMillis() < 0 ? null : w.busyMillis()).append(',');
            field(out, "client", w.client() == null ? null : Addresses.format(w.client())).append(',');
            field(out, "pss_kib", w.pssKib() > 0 ? w.pssKib() : null).append(',');
            // Not busy_threads/idle_threads: those name the pool's counts, once each in the document.
            field(out, "threads_busy", w.busyThreads()).append(',');
            field(out, "threads_idle", w.idleThreads()).append(",\"threads\":[");
            for (int t = 0; t < w.threads().size(); t++) {
                PoolSnapshot.WorkerThread thread = w.threads().get(t);
                out.append(t == 0 ? "{" : ",{");
                field(out, "thread", thread.index()).append(',');
                field(out, "state", thread.state().name().toLowerCase(Locale.ROOT)).append(',');
                field(out, "requests", thread.calls()).append(',');
                field(out, "request_duration_ms", thread.busyMillis() < 0 ? null : thread.busyMillis()).append(',');
                field(out, "client", thread.client() == null ? null : Addresses.format(thread.client())).append('}');
            }
            out.append("]}");
        }
        return out.append("]}").append(System.lineSeparator()).toString();
    }

    /** The Prometheus text exposition format, for node_exporter's textfile collector. */
    static String prometheus(PoolSnapshot s) {
        StringBuilder out = new StringBuilder();
        metric(out, "dm_up", "gauge", "1 while the daemon runs", s.status() == dm.scoreboard.ParentStatus.STOPPED ? 0 : 1);
        metric(out, "dm_start_time_seconds", "gauge", "Start time of the daemon, seconds since the epoch",
                s.startedMillis() / 1000.0);
        metric(out, "dm_accepted_connections_total", "counter", "Connections accepted by every worker", s.accepted());
        metric(out, "dm_listen_queue", "gauge", "Connections waiting in the accept queue", s.listenQueue());
        metric(out, "dm_listen_queue_max_seen", "gauge", "Longest accept queue seen since start", s.maxListenQueue());
        metric(out, "dm_listen_backlog", "gauge", "Size of the accept queue (-1: inherited socket)", s.backlog());
        out.append("# HELP dm_workers Workers by state\n# TYPE dm_workers gauge\n");
        for (WorkerState state : new WorkerState[] {WorkerState.IDLE, WorkerState.BUSY, WorkerState.STARTING,
            WorkerState.EXITING}) {
            out.append("dm_workers{state=\"").append(state.name().toLowerCase(Locale.ROOT)).append("\"} ")
                    .append(s.count(state)).append('\n');
        }
        metric(out, "dm_threads_per_worker", "gauge", "Connections each worker serves at once (worker.threads)",
                s.threadsPerWorker());
        out.append("# HELP dm_threads Accepting threads of live workers by state\n# TYPE dm_threads gauge\n");
        for (WorkerState state : new WorkerState[] {WorkerState.IDLE, WorkerState.BUSY}) {
            out.append("dm_threads{state=\"").append(state.name().toLowerCase(Locale.ROOT)).append("\"} ")
                    .append(s.countThreads(state)).append('\n');
        }
        metric(out, "dm_max_busy_threads", "gauge", "Most threads (connections) busy at once since start",
                s.maxBusy());
        metric(out, "dm_max_workers_reached_total", "counter", "Times the pool needed to grow beyond pool.max",
                s.maxReached());
        metric(out, "dm_slow_requests_total", "counter", "Connections busy longer than worker.slow-request-ms",
                s.slowRequests());
        metric(out, "dm_client_resets_total", "counter", "Connections reset by the client while a worker served them",
                s.clientResets());
        metric(out, "dm_timeout_kills_total", "counter", "Workers killed by a request or graceful timeout",
                s.timeoutKills());
        out.append("# HELP dm_worker_requests Connections served by the worker in a slot\n")
                .append("# TYPE dm_worker_requests gauge\n");
        for (PoolSnapshot.Worker w : s.workers()) {
            out.append("dm_worker_requests{slot=\"").append(w.slot()).append("\",pid=\"").append(w.pid()).append("\"} ")
                    .append(w.calls()).append('\n');
        }
        out.append("# HELP dm_worker_pss_bytes Memory of the worker in a slot (PSS), as the supervisor last read it\n")
                .append("# TYPE dm_worker_pss_bytes gauge\n");
        for (PoolSnapshot.Worker w : s.workers()) {
            if (w.pssKib() > 0) { // not read yet: no sample, rather than a made-up one
                out.append("dm_worker_pss_bytes{slot=\"").append(w.slot()).append("\",pid=\"").append(w.pid())
                        .append("\"} ").append(w.pssKib() * 1024).append('\n');
            }
        }
        return out.toString();
    }

    /** PSS in MiB with one decimal, or - before the supervisor has read it. */
    private static String mib(long kib) {
        return kib <= 0 ? "-" : String.format(Locale.ROOT, "%.1f MiB", kib / 1024.0);
    }

    private static void metric(StringBuilder out, String name, String type, String help, double value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        out.append(name).append(' ');
        if (value == Math.rint(value)) {
            out.append((long) value);
        } else {
            out.append(String.format(Locale.ROOT, "%.3f", value));
        }
        out.append('\n');
    }

    private static StringBuilder field(StringBuilder out, String name, Object value) {
        out.append('"').append(name).append("\":");
        if (value == null) {
            return out.append("null");
        }
        if (value instanceof Number) {
            return out.append(value);
        }
        out.append('"');
        for (char c : value.toString().toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"');
    }

    private static String time(long millis) {
        return millis <= 0 ? "-" : TIME.format(Instant.ofEpochMilli(millis));
    }

    private static String unknownIfNegative(long value) {
        return value < 0 ? "?" : Long.toString(value);
    }

    static String duration(long millis) {
        Duration d = Duration.ofMillis(Math.max(0, millis));
        long days = d.toDays();
        String hms = String.format("%02d:%02d:%02d", d.toHoursPart(), d.toMinutesPart(), d.toSecondsPart());
        return days > 0 ? days + "d " + hms : hms;
    }

}
