package dm.ctl;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import dm.ExitCodes;
import dm.config.ServerConfig;
import dm.scoreboard.ParentStatus;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code dm-ctl}: commands to a running daemon through its scoreboard, its status, and a plain client. */
@Command(name = "dm-ctl", mixinStandardHelpOptions = true, versionProvider = Version.class,
        subcommands = {StatusCommand.class, MetricsCommand.class, ClientCommand.class},
        description = {"Controls a running dm daemon through its scoreboard.",
            "  dm-ctl -fdown     kill every worker now, then stop",
            "  dm-ctl -wdown     stop after the connections in progress end",
            "  dm-ctl -restart   replace every worker after its current connection",
            "  dm-ctl status     show the daemon and its workers (--json, --watch)",
            "  dm-ctl metrics    Prometheus text format (no daemon running: dm_up 0, exit code 0)",
            "  dm-ctl client HOST PORT   a plain interactive client, to try a handler by hand"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done: the daemon carried out the command",
            "1:unexpected failure",
            "4:timed out waiting for the daemon to act (it may still finish)",
            "64:bad command line",
            "65:the scoreboard file is not a dm scoreboard",
            "69:no daemon running (client: cannot connect; metrics prints dm_up 0 and exits 0)",
            "76:-restart abandoned: workers of the new configuration cannot boot (the previous one serves on)",
            "77:permission denied on the scoreboard",
            "78:bad configuration"})
public final class CtlMain implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "Configuration file of the daemon (default: ${DEFAULT-VALUE}).")
    Path config = ServerConfig.defaultFile();

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "90",
            description = "How long to wait for the daemon to carry out the command (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @ArgGroup(exclusive = true)
    Action action;

    static final class Action {
        @Option(names = "-fdown", description = "Force down: kill every worker (SIGKILL) without waiting, then stop.")
        boolean forceDown;

        @Option(names = "-wdown", description = "Wait down: accept nothing new, let connections in progress end, then stop.")
        boolean waitDown;

        @Option(names = "-restart", description = "Restart workers: each finishes its connection and is replaced by a fresh JVM.")
        boolean restart;

        ParentStatus requested() {
            return forceDown ? ParentStatus.FORCE_DOWN : waitDown ? ParentStatus.WAIT_DOWN : ParentStatus.CHILD_RESTART;
        }
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new CtlMain());
        // Picocli asks this mapper for bad command lines too; those must stay USAGE (64), not FAILURE.
        commandLine.setExitCodeExceptionMapper(
                e -> e instanceof CommandLine.ParameterException ? ExitCodes.USAGE : ExitCodes.FAILURE);
        commandLine.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE);
        commandLine.getSubcommands().values()
                .forEach(sub -> sub.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE));
        return commandLine;
    }

    @Override
    public Integer call() {
        if (action == null) {
            CommandLine.usage(this, System.err);
            return ExitCodes.USAGE;
        }
        return new SendCommand(config, action.requested(), timeoutSeconds).run();
    }
}
