package dm.ctl;

import java.util.concurrent.Callable;

import dm.ExitCodes;
import dm.ExitException;
import dm.scoreboard.Scoreboard;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code dm-ctl status}: the pool and one row per live slot, like Apache's mod_status. */
@Command(name = "status", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Show the daemon, its pool and one row per live worker slot (--threads: per thread).")
final class StatusCommand implements Callable<Integer> {
    private static final String CLEAR_SCREEN = "\033[H\033[2J";

    @ParentCommand
    CtlMain parent;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Option(names = "--threads", description = "One row per thread of each worker (worker.threads) instead of one per worker.")
    boolean threads;

    @Option(names = "--watch", paramLabel = "SECONDS", arity = "0..1", fallbackValue = "1",
            description = "Refresh in place every SECONDS (default 1) until Ctrl-C or the daemon stops.")
    Double watchSeconds;

    @Override
    public Integer call() throws InterruptedException {
        Scoreboard scoreboard = null;
        try {
            scoreboard = DaemonConnection.openToRead(parent.config);
            if (watchSeconds == null) {
                System.out.print(render(PoolSnapshot.take(scoreboard)));
                return ExitCodes.OK;
            }
            long periodMillis = Math.max(100, (long) (watchSeconds * 1000));
            long supervisorPid = scoreboard.control().supervisorPid();
            while (DaemonProcess.running(supervisorPid)) {
                System.out.print(CLEAR_SCREEN + render(PoolSnapshot.take(scoreboard)));
                System.out.flush();
                Thread.sleep(periodMillis);
                if (scoreboard.isCopy() && DaemonProcess.running(supervisorPid)) {
                    // Read access only: a copy is a snapshot, so take a fresh one for each refresh.
                    scoreboard.close();
                    scoreboard = null;
                    try {
                        scoreboard = DaemonConnection.openToRead(parent.config);
                    } catch (ExitException e) {
                        if (e.exitCode() != ExitCodes.NO_DAEMON) {
                            throw e;
                        }
                        break; // it stopped between the two looks
                    }
                }
            }
            System.out.println("dm-ctl: the daemon has stopped");
            return ExitCodes.OK;
        } catch (ExitException e) {
            System.err.println("dm-ctl: " + e.getMessage());
            return e.exitCode();
        } finally {
            if (scoreboard != null) {
                scoreboard.close();
            }
        }
    }

    private String render(PoolSnapshot snapshot) {
        if (json) {
            return StatusFormat.json(snapshot);
        }
        return threads ? StatusFormat.threads(snapshot) : StatusFormat.text(snapshot);
    }
}
