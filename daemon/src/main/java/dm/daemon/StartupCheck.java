package dm.daemon;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import dm.ExitCodes;
import dm.ExitException;
import dm.config.ConfigException;
import dm.config.ServerConfig;
import dm.scoreboard.OwnerLock;
import dm.scoreboard.ScoreboardException;

/**
 * Everything that can be known about a start (or a restart) without serving: the handler and
 * class path, the places of the scoreboard and of the access log, the worker JVM's options, and
 * (for {@code --check}) the address.
 * {@code dm-daemon --check} reports every problem it finds, one line each; the daemon's own start
 * ({@link #beforeStart}) refuses on the first one, with the same line and exit code, before it
 * takes the lock, the socket or the scoreboard. Exit code 1 is left for what no check could see.
 */
public final class StartupCheck {
    private static final String PREFIX = "dm-daemon: ";

    private StartupCheck() {
    }

    /**
     * The daemon's start: throws the first problem (78 configuration, 77 permission). The address
     * is left to the start itself, which binds it next and fails with the line --check gives (71).
     */
    public static void beforeStart(ServerConfig config) throws ExitException {
        List<StartupProblem> problems = problems(config);
        if (!problems.isEmpty()) {
            throw problems.get(0).toException();
        }
    }

    /**
     * dm-ctl -restart: the first problem of the file read again, of those a start would find
     * (the scoreboard and the socket are the running daemon's). worker.jvm-options are proved only
     * when they changed: starting java takes the supervisor's loop a few hundred milliseconds.
     */
    static Optional<StartupProblem> beforeRestart(ServerConfig read, ServerConfig running) {
        try {
            Preflight.check(read);
        } catch (ConfigException e) {
            return Optional.of(new StartupProblem(ExitCodes.CONFIG, e.getMessage()));
        }
        Optional<StartupProblem> accessLog = AccessLogPlace.check(read);
        if (accessLog.isPresent() || read.workerJvmOptions().equals(running.workerJvmOptions())) {
            return accessLog;
        }
        return JvmOptionsCheck.check(read);
    }

    /** What --check and the start share, in the order the start meets them. */
    static List<StartupProblem> problems(ServerConfig config) {
        List<StartupProblem> problems = new ArrayList<>();
        try {
            Preflight.check(config);
        } catch (ConfigException e) {
            problems.add(new StartupProblem(ExitCodes.CONFIG, e.getMessage()));
        }
        problems.addAll(ScoreboardPlace.check(config));
        AccessLogPlace.check(config).ifPresent(problems::add);
        JvmOptionsCheck.check(config).ifPresent(problems::add);
        return problems;
    }

    /**
     * {@code dm-daemon --check -c file}: each problem on {@code err}, what was found out on
     * {@code out}; returns the exit code of the first problem, or 0.
     */
    static int check(Path file, PrintStream out, PrintStream err) {
        ServerConfig config;
        try {
            config = ServerConfig.load(file);
        } catch (ConfigException e) {
            err.println(PREFIX + e.getMessage());
            return ExitCodes.CONFIG;
        }
        List<StartupProblem> problems = problems(config);
        List<String> notes = new ArrayList<>();
        checkListen(config, problems, notes);
        for (StartupProblem problem : problems) {
            err.println(PREFIX + problem.message());
        }
        if (!problems.isEmpty()) {
            return problems.get(0).exitCode();
        }
        notes.forEach(note -> out.println(PREFIX + note));
        out.println(PREFIX + "configuration OK: " + config.file());
        return ExitCodes.OK;
    }

    /**
     * Binds and releases the address, unless a daemon runs on this scoreboard: then the address is
     * its own (a --check before dm-ctl -restart is the usual case), and binding would only fail.
     */
    private static void checkListen(ServerConfig config, List<StartupProblem> problems, List<String> notes) {
        OptionalLong owner;
        try {
            owner = OwnerLock.liveOwner(config.scoreboardFile());
        } catch (ScoreboardException e) {
            owner = OptionalLong.empty(); // the scoreboard's own problems are reported above
        }
        if (owner.isPresent()) {
            notes.add("a daemon (pid " + owner.getAsLong() + ") runs on this scoreboard and holds the listening"
                    + " socket: address not probed (server.bind, server.port and server.backlog change only with a"
                    + " restart of the whole daemon)");
            return;
        }
        try {
            notes.add(ListenSocket.probe(config.bindAddress(), config.port(), config.backlog(), config.deferAcceptMillis()));
        } catch (ListenSocket.ListenException e) {
            problems.add(new StartupProblem(ExitCodes.CANNOT_LISTEN, e.getMessage()));
        }
    }
}
