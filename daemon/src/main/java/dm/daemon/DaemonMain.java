package dm.daemon;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import dm.ExitCodes;
import dm.ExitException;
import dm.config.ServerConfig;
import dm.logging.Journal;
import dm.logging.ProcessIdentity;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dm-daemon}: runs the supervisor in the foreground, or checks the configuration. */
@Command(name = "dm-daemon", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Preforked worker-pool daemon: one listening socket, pool.min..pool.max worker JVMs.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:stopped normally (dm-ctl -wdown, -fdown, SIGTERM)",
            "1:failed at run time (see the log)",
            "64:bad command line",
            "71:cannot listen (port in use, address not available, permission denied)",
            "73:another daemon already owns the scoreboard",
            "76:workers cannot boot (handler, worker.jvm-options)",
            "77:permission denied on the scoreboard",
            "78:bad configuration"})
public final class DaemonMain implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Configuration file (default: ${DEFAULT-VALUE}).")
    Path config = ServerConfig.defaultFile();

    @Option(names = "--check", description = "Validate the configuration and exit, like apachectl configtest.")
    boolean check;

    public static void main(String[] args) {
        ProcessIdentity.set("supervisor");
        CommandLine commandLine = new CommandLine(new DaemonMain());
        // Picocli asks this mapper for bad command lines too; those must stay USAGE (64), not FAILURE.
        commandLine.setExitCodeExceptionMapper(
                e -> e instanceof CommandLine.ParameterException ? ExitCodes.USAGE : ExitCodes.FAILURE);
        commandLine.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE);
        System.exit(commandLine.execute(args));
    }

    @Override
    public Integer call() {
        try {
            if (check) {
                return StartupCheck.check(config, System.out, System.err);
            }
            try (Daemon daemon = Boot.open(config, System.out)) {
                SignalListener.install(daemon);
                return daemon.run();
            }
        } catch (ExitException e) {
            System.err.println(Journal.prefix(Journal.ERR) + "dm-daemon: " + e.getMessage());
            return e.exitCode();
        }
    }
}
