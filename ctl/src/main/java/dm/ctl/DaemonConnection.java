package dm.ctl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

import dm.ExitCodes;
import dm.ExitException;
import dm.config.ConfigException;
import dm.config.ServerConfig;
import dm.scoreboard.OwnerLock;
import dm.scoreboard.Scoreboard;
import dm.scoreboard.ScoreboardException;

/** Finds the running daemon of a configuration and opens its scoreboard, or says why not. */
final class DaemonConnection {

    private DaemonConnection() {
    }

    /**
     * For a command that changes something ({@code what}: -fdown, -wdown, -restart): the live
     * scoreboard, read and written. A user who may only read it is told so in one line.
     */
    static Scoreboard open(Path configFile, String what) throws ExitException {
        Path file = locate(configFile);
        try {
            if (Files.isReadable(file) && !Files.isWritable(file) && !Files.isSymbolicLink(file)) {
                throw new ExitException(ExitCodes.PERMISSION_DENIED, "permission denied: " + file + ": " + what
                        + " needs write access to the scoreboard (run it as root or as " + owner(file)
                        + "); status and metrics need only read access");
            }
            Scoreboard.verify(file);
            requireLiveOwner(file);
            return Scoreboard.attach(file);
        } catch (ScoreboardException e) {
            throw new ExitException(e.reason().exitCode(), e.getMessage());
        }
    }

    /**
     * For status and metrics: the live scoreboard when this user may write it, else (read access
     * only: a member of the scoreboard's group) a private copy, a snapshot of this moment.
     */
    static Scoreboard openToRead(Path configFile) throws ExitException {
        Path file = locate(configFile);
        try {
            boolean write = Files.isWritable(file);
            Scoreboard.verify(file, write);
            requireLiveOwner(file);
            return write ? Scoreboard.attach(file) : Scoreboard.readCopy(file);
        } catch (ScoreboardException e) {
            throw new ExitException(e.reason().exitCode(), e.getMessage());
        }
    }

    private static Path locate(Path configFile) throws ExitException {
        try {
            return ServerConfig.locateScoreboard(configFile);
        } catch (ConfigException e) {
            throw new ExitException(ExitCodes.CONFIG, e.getMessage());
        }
    }

    private static void requireLiveOwner(Path file) throws ScoreboardException, ExitException {
        OptionalLong owner = OwnerLock.liveOwner(file);
        if (owner.isEmpty()) {
            throw new ExitException(ExitCodes.NO_DAEMON, "no daemon running (stale scoreboard " + file + ")");
        }
    }

    /** The account that owns the scoreboard: the daemon's (dm under systemd). */
    private static String owner(Path file) {
        try {
            return "user " + Files.getOwner(file).getName();
        } catch (IOException | UnsupportedOperationException e) {
            return "the daemon's user";
        }
    }
}
