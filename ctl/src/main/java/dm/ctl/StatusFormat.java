package dm.ctl;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import dm.net.Addresses;
import dm.scoreboard.WorkerState;

/** Renders a {@link PoolSnapshot} as text or JSON (dm-ctl metrics: dm.metrics.PoolMetrics). */
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
        out.append(String.format("threads: %d per worker, %d idle, %d busy%s%n", s.threadsPerWorker(),
                s.countThreads(WorkerState.IDLE), s.countThreads(WorkerState.BUSY), s.acceptLimit() < 0 ? ""
                        : "; since the CPU was saturated " + s.acceptLimit() + " take new connections, the idle others stand by"));
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
        field(out, "accept_limit_threads", s.acceptLimit()).append(',');
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

    /** PSS in MiB with one decimal, or - before the supervisor has read it. */
    private static String mib(long kib) {
        return kib <= 0 ? "-" : String.format(Locale.ROOT, "%.1f MiB", kib / 1024.0);
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
