package dm.ctl;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;

import dm.ExitCodes;
import dm.scoreboard.Control;
import dm.scoreboard.Scoreboard;
import dm.scoreboard.Slot;
import dm.scoreboard.WorkerState;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code dm-ctl status}: the parent status and one row per live slot. */
@Command(name = "status", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Show the daemon's status and one row per live worker slot.")
final class StatusCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    @ParentCommand
    CtlMain parent;

    @Override
    public Integer call() {
        Path config = parent.config;
        try (Scoreboard scoreboard = DaemonConnection.open(config)) {
            System.out.print(render(scoreboard, System.currentTimeMillis()));
            return ExitCodes.OK;
        } catch (CtlException e) {
            System.err.println("dm-ctl: " + e.getMessage());
            return e.exitCode();
        }
    }

    static String render(Scoreboard scoreboard, long nowMillis) {
        Control control = scoreboard.control();
        StringBuilder out = new StringBuilder();
        StringBuilder line = new StringBuilder();
        StringBuilder rows = new StringBuilder();
        int live = 0;
        int busy = 0;
        for (int i = 0; i < scoreboard.slotCount(); i++) {
            Slot slot = scoreboard.slot(i);
            WorkerState state = slot.state();
            line.append(state.symbol());
            long pid = slot.pid();
            if (state == WorkerState.EMPTY && pid == 0) {
                continue;
            }
            live++;
            if (state == WorkerState.BUSY) {
                busy++;
            }
            rows.append(String.format("%4d  %8d  %-8s  %8d  %s%n", i, pid, state.name().toLowerCase(), slot.calls(),
                    uptime(nowMillis - slot.startedMillis())));
        }
        out.append(String.format("daemon pid %d, status %s, started %s (up %s)%n", control.supervisorPid(),
                control.status().label(), TIME.format(Instant.ofEpochMilli(control.startedMillis())),
                uptime(nowMillis - control.startedMillis())));
        out.append(String.format("workers: %d live (%d busy, %d idle or starting), %d slots; scoreboard %s%n", live, busy,
                live - busy, scoreboard.slotCount(), scoreboard.file()));
        out.append("scoreboard: ").append(line).append(
                "   (_ idle, W busy, S starting, G leaving, . empty)").append(System.lineSeparator());
        out.append(String.format("%4s  %8s  %-8s  %8s  %s%n", "SLOT", "PID", "STATE", "CALLS", "UPTIME"));
        out.append(rows);
        return out.toString();
    }

    private static String uptime(long millis) {
        Duration d = Duration.ofMillis(Math.max(0, millis));
        long days = d.toDays();
        String hms = String.format("%02d:%02d:%02d", d.toHoursPart(), d.toMinutesPart(), d.toSecondsPart());
        return days > 0 ? days + "d " + hms : hms;
    }
}
