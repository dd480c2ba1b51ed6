package dm.daemon;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dm.scoreboard.Control;
import dm.scoreboard.ParentStatus;
import dm.scoreboard.WorkerState;

/**
 * Tells systemd what the pool is doing (Type=notify, sd_notify(3)): READY=1 once pool.min workers
 * accept; RELOADING=1 when a rolling restart begins and READY=1 when it is over; STOPPING=1 on
 * -wdown, -fdown or when workers cannot boot; a STATUS= line that {@code systemctl status} shows;
 * and WATCHDOG=1 at half of WATCHDOG_USEC. The supervisor's loop calls it after every turn, so the
 * pings stop when the loop stalls and systemd restarts the service. Without NOTIFY_SOCKET it does
 * nothing at all.
 */
final class ServiceNotifier {
    private static final Logger log = LoggerFactory.getLogger("supervisor");
    /**
     * A STATUS= line that only changed in its figures is sent at most this often: under load the
     * counts change every tick, and systemd needs no datagram per tick to show them.
     */
    static final long STATUS_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** The variables through which systemd hears from the service: the supervisor's, not its workers'. */
    static final List<String> SYSTEMD_VARIABLES = List.of("NOTIFY_SOCKET", "WATCHDOG_USEC",
            "WATCHDOG_PID");

    /** What systemd is told the service is doing. */
    enum Phase { STARTING, SERVING, RELOADING, STOPPING }

    /** Outside systemd (no NOTIFY_SOCKET). */
    static final ServiceNotifier NONE = new ServiceNotifier(null, 0, Clock.SYSTEM);

    private final NotifySocket socket;
    private final long watchdogIntervalNanos;
    private final Clock clock;
    private Phase announced = Phase.STARTING;
    private String lastStatus;
    private long lastStatusNanos;
    private long nextWatchdogNanos;
    private boolean failureLogged;

    /** {@code socket} null: notifies nothing. {@code watchdogIntervalNanos} 0: no watchdog pings. */
    ServiceNotifier(NotifySocket socket, long watchdogIntervalNanos, Clock clock) {
        this.socket = socket;
        this.watchdogIntervalNanos = socket == null ? 0 : watchdogIntervalNanos;
        this.clock = clock;
        this.nextWatchdogNanos = clock.nanoTime();
    }

    /**
     * From the environment systemd gives the service: NOTIFY_SOCKET, and WATCHDOG_USEC when
     * WatchdogSec= is set (unless WATCHDOG_PID names another process: the pings are for the main one).
     */
    static ServiceNotifier fromEnvironment(Map<String, String> environment, long pid, Clock clock) {
        String address = environment.get("NOTIFY_SOCKET");
        if (address == null || address.isEmpty()) {
            return NONE;
        }
        NotifySocket socket;
        try {
            socket = NotifySocket.open(address);
        } catch (IOException e) {
            log.warn("{}; systemd will not hear from dm", e.getMessage());
            return NONE;
        }
        long interval = watchdogIntervalNanos(environment, pid);
        log.info("notifying systemd on {}{}", address, interval == 0 ? ""
                : ", watchdog every " + TimeUnit.NANOSECONDS.toMillis(interval) + " ms");
        return new ServiceNotifier(socket, interval, clock);
    }

    /** Half of WATCHDOG_USEC (sd_watchdog_enabled(3) advises pinging at half the timeout); 0 when none is asked. */
    static long watchdogIntervalNanos(Map<String, String> environment, long pid) {
        String watchdogPid = environment.get("WATCHDOG_PID");
        if (watchdogPid != null && !watchdogPid.equals(Long.toString(pid))) {
            return 0;
        }
        try {
            long usec = Long.parseLong(environment.getOrDefault("WATCHDOG_USEC", "0"));
            return usec <= 0 ? 0 : TimeUnit.MICROSECONDS.toNanos(usec) / 2;
        } catch (NumberFormatException e) {
            log.warn("WATCHDOG_USEC {} is not a number of microseconds; no watchdog pings", environment.get("WATCHDOG_USEC"));
            return 0;
        }
    }

    boolean enabled() {
        return socket != null;
    }

    /** When the loop must turn next for the watchdog's sake: {@code otherDue}, or sooner. */
    long nextDueNanos(long otherDue) {
        return watchdogIntervalNanos == 0 || otherDue - nextWatchdogNanos < 0 ? otherDue : nextWatchdogNanos;
    }

    /**
     * After a turn of the loop: sends what changed since the last datagram (and the watchdog ping
     * when due) in one datagram; nothing when nothing did.
     */
    void afterTurn(ParentStatus status, String stopReason, Pool pool, Control control, int poolMin) {
        if (socket == null) {
            return;
        }
        long now = clock.nanoTime();
        Census census = pool.census();
        int accepting = accepting(pool);
        Phase phase = phase(status, stopReason, accepting >= poolMin);
        StringBuilder message = new StringBuilder();
        if (phase != announced) {
            switch (phase) {
                case SERVING -> message.append("READY=1\n");
                case RELOADING -> message.append("RELOADING=1\nMONOTONIC_USEC=").append(now / 1000).append('\n');
                case STOPPING -> message.append("STOPPING=1\n");
                default -> { }
            }
            announced = phase;
        }
        String line = statusLine(phase, status, stopReason, census, accepting, control.accepted(), poolMin);
        if (!line.equals(lastStatus) && (lastStatus == null || message.length() > 0
                || now - lastStatusNanos >= STATUS_INTERVAL_NANOS)) {
            message.append("STATUS=").append(line).append('\n');
            lastStatus = line;
            lastStatusNanos = now;
        }
        if (watchdogIntervalNanos > 0 && now - nextWatchdogNanos >= 0) {
            message.append("WATCHDOG=1\n");
            nextWatchdogNanos = now + watchdogIntervalNanos;
        }
        if (message.length() > 0) {
            send(message.toString());
        }
    }

    /** Workers (not threads: a worker of several counts once) that accept and are not leaving. */
    private static int accepting(Pool pool) {
        return pool.workers(worker -> !worker.askedToLeave()
                && (pool.state(worker) == WorkerState.IDLE || pool.state(worker) == WorkerState.BUSY)).size();
    }

    private Phase phase(ParentStatus status, String stopReason, boolean poolMinAccepting) {
        if (stopReason != null || status == ParentStatus.WAIT_DOWN || status == ParentStatus.FORCE_DOWN) {
            return Phase.STOPPING;
        }
        if (status == ParentStatus.CHILD_RESTART) {
            return Phase.RELOADING;
        }
        // Ready once; a restart that ends (or is abandoned) makes it ready again at once.
        return announced == Phase.STARTING && !poolMinAccepting ? Phase.STARTING : Phase.SERVING;
    }

    /** Like PHP-FPM's: what the pool does, its workers, the connections so far. */
    static String statusLine(Phase phase, ParentStatus status, String stopReason, Census census, int accepting,
            long accepted, int poolMin) {
        // Idle, busy and starting count threads (with worker.threads = 1, one per worker).
        String workers = String.format("workers: %d total, %d leaving; threads: %d idle, %d busy, %d starting;"
                + " connections: %d accepted", census.live(), census.leaving(), census.idle(), census.busy(),
                census.starting(), accepted);
        return switch (phase) {
            case STARTING -> "starting: " + accepting + " of pool.min " + poolMin
                    + " workers accept; " + workers;
            case SERVING -> "serving; " + workers;
            case RELOADING -> "restarting workers; " + workers;
            case STOPPING -> (stopReason != null ? "stopping: " + stopReason : "going down (" + status.label() + ")")
                    + "; " + workers;
        };
    }

    private void send(String message) {
        try {
            socket.send(message);
        } catch (IOException e) {
            // systemd may be re-executing; the next change (or ping) tries again. Said once, not per tick.
            if (!failureLogged) {
                log.warn("{}", e.getMessage());
                failureLogged = true;
            }
        }
    }
}
