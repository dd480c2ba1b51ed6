package dm.ctl;

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

    static Scoreboard open(Path configFile) throws ExitException {
        Path file;
        try {
            file = ServerConfig.locateScoreboard(configFile);
        } catch (ConfigException e) {
            throw new ExitException(ExitCodes.CONFIG, e.getMessage());
        }
        try {
            Scoreboard.verify(file);
            OptionalLong owner = OwnerLock.liveOwner(file);
            if (owner.isEmpty()) {
                throw new ExitException(ExitCodes.NO_DAEMON, "no daemon running (stale scoreboard " + file + ")");
            }
            return Scoreboard.attach(file);
        } catch (ScoreboardException e) {
            throw new ExitException(e.reason().exitCode(), e.getMessage());
        }
    }
}
