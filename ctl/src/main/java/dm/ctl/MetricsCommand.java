package dm.ctl;

import java.io.IOException;
import java.util.concurrent.Callable;

import dm.ExitCodes;
import dm.ExitException;
import dm.metrics.PoolMetrics;
import dm.scoreboard.Scoreboard;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code dm-ctl metrics}: the series of the supervisor's metrics endpoint, in the same text format,
 * for node_exporter's textfile collector. With no daemon running it prints dm_up 0 and exits 0, so
 * that the collector's file is replaced rather than left saying dm_up 1.
 */
@Command(name = "metrics", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Print the daemon's metrics in the Prometheus text exposition format (the series of"
            + " metrics.listen). No daemon running: dm_up 0, exit code 0.",
            "For node_exporter: dm-ctl metrics > /var/lib/node_exporter/dm.prom.tmp && mv ... dm.prom"})
final class MetricsCommand implements Callable<Integer> {

    @ParentCommand
    CtlMain parent;

    @Override
    public Integer call() {
        try (Scoreboard scoreboard = DaemonConnection.openToRead(parent.config)) {
            return write(new PoolMetrics(scoreboard).collect());
        } catch (ExitException e) {
            if (e.exitCode() == ExitCodes.NO_DAEMON) {
                return write(PoolMetrics.down());
            }
            System.err.println("dm-ctl: " + e.getMessage());
            return e.exitCode();
        }
    }

    private static int write(MetricSnapshots snapshots) {
        try {
            PrometheusTextFormatWriter.create().write(System.out, snapshots);
            System.out.flush();
            return ExitCodes.OK;
        } catch (IOException e) {
            System.err.println("dm-ctl: cannot write the metrics: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
    }
}
