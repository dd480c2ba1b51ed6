package dm.ctl;

import java.nio.file.Path;
import java.util.OptionalLong;

import dm.ExitCodes;
import dm.config.ConfigException;
import dm.config.ServerConfig;
import dm.scoreboard.OwnerLock;
import dm.scoreboard.Scoreboard;
import dm.scoreboard.ScoreboardException;

/** Finds the running daemon of a configuration and opens its scoreboard, or says why not. */
final class DaemonConnection {

    private DaemonConnection() {
    }

    static Scoreboard open(Path configFile) throws CtlException {
        Path file;
        try {
            file = ServerConfig.locateScoreboard(configFile);
        } catch (ConfigException e) {
            throw new CtlException(ExitCodes.CONFIG, e.getMessage());
        }
        try {
            Scoreboard.verify(file);
            OptionalLong owner = OwnerLock.liveOwner(file);
            if (owner.isEmpty()) {
                throw new CtlException(ExitCodes.NO_DAEMON, "no daemon running (stale scoreboard " + file + ")");
            }
            return Scoreboard.attach(file);
        } catch (ScoreboardException e) {
            throw new CtlException(e.reason().exitCode(), e.getMessage());
        }
    }
}
