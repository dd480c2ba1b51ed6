package dm.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dm.config.ServerConfig;

class ScoreboardPlaceTest {

    @TempDir
    Path dir;

    private List<StartupProblem> check(Path scoreboard) throws Exception {
        Path file = Files.writeString(dir.resolve("server.properties"), "scoreboard.file = " + scoreboard + "\n");
        return ScoreboardPlace.check(ServerConfig.load(file));
    }

    @Test
    void aFreshPlaceOrOneToCreateIsFine() throws Exception {
        assertEquals(List.of(), check(dir.resolve("dm.scoreboard")));
        assertEquals(List.of(), check(dir.resolve("run/dm/dm.scoreboard")), "missing directories are created at start");
    }

    @Test
    void aFileWhereTheDirectoryShouldBeIsAConfigurationError() throws Exception {
        Files.writeString(dir.resolve("run"), "");
        Path scoreboard = dir.resolve("run/dm/dm.scoreboard");
        assertEquals(List.of(new StartupProblem(78, "scoreboard.file = " + scoreboard + ": " + dir.resolve("run")
                + " is not a directory")), check(scoreboard));
    }

    @Test
    void aScoreboardPathThatIsADirectoryIsAConfigurationError() throws Exception {
        Path scoreboard = Files.createDirectory(dir.resolve("dm.scoreboard"));
        assertEquals(List.of(new StartupProblem(78, "scoreboard.file = " + scoreboard + ": the scoreboard " + scoreboard
                + " is a directory")), check(scoreboard));
    }

    @Test
    void linksBesideTheScoreboardAreRefused() throws Exception {
        Path victim = Files.writeString(dir.resolve("victim"), "");
        Path scoreboard = dir.resolve("dm.scoreboard");
        Files.createSymbolicLink(dir.resolve("dm.scoreboard.lock"), victim);
        Files.createSymbolicLink(dir.resolve("dm.scoreboard.conf"), victim);
        assertEquals(List.of(
                new StartupProblem(77, "scoreboard lock " + dir.resolve("dm.scoreboard.lock")
                        + " is a symbolic link: refused (dm follows no links beside the scoreboard)"),
                new StartupProblem(77, "configuration snapshot " + dir.resolve("dm.scoreboard.conf")
                        + " is a symbolic link: refused (dm follows no links beside the scoreboard)")), check(scoreboard));
    }

    @Test
    void aDirectoryThisUserCannotWriteIsAPermissionProblem() throws Exception {
        Path run = Files.createDirectory(dir.resolve("run"));
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("r-xr-xr-x"));
        assumeFalse(Files.isWritable(run), "running as root: the mode does not stop writing");
        Path scoreboard = run.resolve("dm.scoreboard");
        assertEquals(List.of(new StartupProblem(77, "permission denied: " + run + ": user " + System.getProperty("user.name")
                + " may not read and write there (scoreboard.file = " + scoreboard + ")")), check(scoreboard));
    }
}
