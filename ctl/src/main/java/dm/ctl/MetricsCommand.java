package dm.ctl;

import java.util.concurrent.Callable;

import dm.ExitCodes;
import dm.ExitException;
import dm.scoreboard.Scoreboard;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code dm-ctl metrics}: Prometheus text format, e.g. for node_exporter's textfile collector. */
@Command(name = "metrics", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Print the daemon's metrics in the Prometheus text exposition format.",
            "For node_exporter: dm-ctl metrics > /var/lib/node_exporter/dm.prom.tmp && mv ... dm.prom"})
final class MetricsCommand implements Callable<Integer> {

    @ParentCommand
    CtlMain parent;

    @Override
    public Integer call() {
        try (Scoreboard scoreboard = DaemonConnection.openToRead(parent.config)) {
            System.out.print(StatusFormat.prometheus(PoolSnapshot.take(scoreboard)));
            return ExitCodes.OK;
        } catch (ExitException e) {
            System.err.println("dm-ctl: " + e.getMessage());
            return e.exitCode();
        }
    }
}
