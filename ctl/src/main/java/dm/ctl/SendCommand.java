package dm.ctl;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import dm.ExitCodes;
import dm.ExitException;
import dm.scoreboard.Control;
import dm.scoreboard.ParentStatus;
import dm.scoreboard.Scoreboard;
import dm.scoreboard.ShutdownRequest;
import dm.scoreboard.Slot;
import dm.scoreboard.WorkerState;

/**
 * -fdown, -wdown, -restart: writes the command into the control record, then waits until the
 * daemon has carried it out (or the timeout runs out) and says what happened.
 */
final class SendCommand {
    private static final long POLL_MILLIS = 50;

    private final Path configFile;
    private final ParentStatus requested;
    private final long timeoutNanos;

    SendCommand(Path configFile, ParentStatus requested, int timeoutSeconds) {
        this.configFile = configFile;
        this.requested = requested;
        this.timeoutNanos = TimeUnit.SECONDS.toNanos(timeoutSeconds);
    }

    int run() {
        try (Scoreboard scoreboard = DaemonConnection.open(configFile, flag(requested))) {
            return send(scoreboard);
        } catch (ExitException e) {
            System.err.println("dm-ctl: " + e.getMessage());
            return e.exitCode();
        }
    }

    /** The option that asked for {@code status}, as the user typed it. */
    static String flag(ParentStatus status) {
        switch (status) {
            case FORCE_DOWN:
                return "-fdown";
            case WAIT_DOWN:
                return "-wdown";
            default:
                return "-restart";
        }
    }

    private int send(Scoreboard scoreboard) {
        Control control = scoreboard.control();
        long supervisorPid = control.supervisorPid();
        List<Long> pidsBefore = livePids(scoreboard);
        long killsBefore = control.timeoutKills();
        long started = System.nanoTime();
        long deadline = started + timeoutNanos;
        long sequence = control.submit(requested);

        if (!await(() -> control.acknowledged() >= sequence || !alive(supervisorPid), deadline, null)) {
            return timedOut("the daemon (pid " + supervisorPid + ") to take up " + requested.label());
        }
        if (requested == ParentStatus.CHILD_RESTART) {
            Progress progress = new Progress(() -> {
                List<Long> now = livePids(scoreboard);
                long replaced = pidsBefore.stream().filter(pid -> !now.contains(pid)).count();
                return String.format("restart: %d of %d workers replaced ...", replaced, pidsBefore.size());
            });
            if (!await(() -> control.completed() >= sequence || !alive(supervisorPid), deadline, progress)) {
                return timedOut("the restart of every worker");
            }
            if (!alive(supervisorPid)) {
                System.err.println("dm-ctl: the daemon (pid " + supervisorPid + ") stopped during the restart");
                return ExitCodes.FAILURE;
            }
            switch (control.lastResult()) {
                case INVALID_CONFIGURATION:
                    System.err.println("dm-ctl: restart refused: the configuration is invalid (the daemon log says"
                            + " why); the workers keep running as they are");
                    return ExitCodes.CONFIG;
                case WORKERS_CANNOT_BOOT:
                    System.err.println("dm-ctl: restart abandoned: workers of the new configuration cannot boot (the"
                            + " daemon log says why); the workers run the previous configuration");
                    return ExitCodes.WORKERS_CANNOT_BOOT;
                default:
                    break;
            }
            System.out.printf("dm-ctl: restart done in %.1f s: workers %s replaced by %s%s%n", seconds(started),
                    pidsBefore, livePids(scoreboard), killedAfterTimeout(control.timeoutKills() - killsBefore));
            return ExitCodes.OK;
        }
        Progress progress = requested == ParentStatus.WAIT_DOWN
                ? new Progress(() -> {
                    int left = livePids(scoreboard).size();
                    if (left > 0 && noneAskedToLeave(scoreboard)) {
                        return String.format("wait-down: the agent endpoint says drain (agent.drain-ms); %d workers"
                                + " serve on until the balancer has stopped sending ...", left);
                    }
                    return left == 0 ? null
                            : String.format("wait-down: %d workers left, %d of them busy ...", left, busyWorkers(scoreboard));
                })
                : null;
        if (!await(() -> !alive(supervisorPid), deadline, progress)) {
            return timedOut("the daemon (pid " + supervisorPid + ") to stop");
        }
        System.out.printf("dm-ctl: %s done in %.1f s: daemon %d and its %d workers have stopped%s%n",
                requested.label(), seconds(started), supervisorPid, pidsBefore.size(),
                killedAfterTimeout(control.timeoutKills() - killsBefore));
        return ExitCodes.OK;
    }

    /** Prints a line about once a second while dm-ctl waits, when it has changed. */
    private static final class Progress {
        private static final long PERIOD_NANOS = 1_000_000_000L;
        private final Supplier<String> line;
        private long lastNanos = System.nanoTime();
        private String last = "";

        Progress(Supplier<String> line) {
            this.line = line;
        }

        void tick() {
            long now = System.nanoTime();
            if (now - lastNanos < PERIOD_NANOS) {
                return;
            }
            lastNanos = now;
            String current = line.get();
            if (current != null && !current.equals(last)) {
                System.out.println("dm-ctl: " + current);
                last = current;
            }
        }
    }

    private static String killedAfterTimeout(long kills) {
        return kills <= 0 ? "" : "; " + kills + " worker(s) killed after the graceful timeout (shutdown.timeout-ms)";
    }

    private static long busyWorkers(Scoreboard scoreboard) {
        long busy = 0;
        for (int i = 0; i < scoreboard.slotCount(); i++) {
            if (scoreboard.slot(i).state() == WorkerState.BUSY) {
                busy++;
            }
        }
        return busy;
    }

    /** During the drain before a wait-down no worker has been asked to leave yet. */
    private static boolean noneAskedToLeave(Scoreboard scoreboard) {
        for (int i = 0; i < scoreboard.slotCount(); i++) {
            Slot slot = scoreboard.slot(i);
            if (slot.pid() != 0 && slot.request() != ShutdownRequest.NORMAL) {
                return false;
            }
        }
        return true;
    }

    private static boolean alive(long pid) {
        return DaemonProcess.running(pid);
    }

    private static List<Long> livePids(Scoreboard scoreboard) {
        List<Long> pids = new ArrayList<>();
        for (int i = 0; i < scoreboard.slotCount(); i++) {
            Slot slot = scoreboard.slot(i);
            long pid = slot.pid();
            if (pid != 0) {
                pids.add(pid);
            }
        }
        return pids;
    }

    private static boolean await(BooleanSupplier condition, long deadlineNanos, Progress progress) {
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadlineNanos > 0) {
                return false;
            }
            if (progress != null) {
                progress.tick();
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private int timedOut(String what) {
        System.err.printf("dm-ctl: timed out after %d s waiting for %s%n", TimeUnit.NANOSECONDS.toSeconds(timeoutNanos), what);
        return ExitCodes.TIMEOUT;
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
