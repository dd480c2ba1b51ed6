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
        out.append(String.format("connections: %d accepted, %d slow, %d reset by clients, %d workers killed by timeouts;"
                + " listen queue %s now, %d max seen, backlog %s%n", s.accepted(), s.slowRequests(), s.clientResets(),
                s.timeoutKills(), unknownIfNegative(s.listenQueue()), s.maxListenQueue(), unknownIfNegative(s.backlog())));
        out.append("scoreboard: ").append(s.scoreboardLine())
                .append("   (_ idle, W busy, S starting, G leaving, . empty)").append(System.lineSeparator());
        out.append(String.format("%4s  %8s  %-8s  %-19s  %8s  %10s  %9s  %s%n", "SLOT", "PID", "STATE", "STARTED",
                "REQUESTS", "PSS", "BUSY", "CLIENT"));
        for (PoolSnapshot.Worker w : s.workers()) {
            out.append(String.format("%4d  %8d  %-8s  %-19s  %8d  %10s  %9s  %s%n", w.slot(), w.pid(),
                    w.state().name().toLowerCase(Locale.ROOT), time(w.startedMillis()), w.calls(), mib(w.pssKib()),
                    w.busyMillis() < 0 ? "-" : w.busyMillis() + " ms", w.client() == null ? "-" : Addresses.format(w.client())));
        }
        return out.toString();
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
        field(out, "max_busy_workers", s.maxBusy()).append(',');
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
            field(out, "pss_kib", w.pssKib() > 0 ? w.pssKib() : null).append('}');
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
