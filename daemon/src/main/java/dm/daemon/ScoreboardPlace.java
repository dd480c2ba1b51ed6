package dm.daemon;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dm.ExitCodes;
import dm.NoFollow;
import dm.config.ServerConfig;
import dm.config.Settings;
import dm.scoreboard.OwnerLock;

/**
 * Whether the supervisor can make its files where scoreboard.file says: the directory exists (or
 * can be created), is a directory this user may read and write, and the scoreboard, its lock and
 * the configuration snapshot are neither directories nor symbolic links.
 */
final class ScoreboardPlace {

    private ScoreboardPlace() {
    }

    static List<StartupProblem> check(ServerConfig config) {
        Path scoreboard = config.scoreboardFile();
        String key = Settings.SCOREBOARD_FILE.key() + " = " + scoreboard;
        List<StartupProblem> problems = new ArrayList<>();
        Path directory = scoreboard.getParent();
        Path existing = directory;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            problems.add(new StartupProblem(ExitCodes.CONFIG, key + ": no directory of it exists"));
            return problems;
        }
        if (!Files.isDirectory(existing)) {
            problems.add(new StartupProblem(ExitCodes.CONFIG, key + ": " + existing + " is not a directory"));
            return problems;
        }
        if (!mayWriteIn(existing)) {
            // "permission denied: PATH" first, as the scoreboard's own refusals say it.
            String what = existing.equals(directory) ? "may not read and write there"
                    : "may not create " + directory + " there";
            problems.add(new StartupProblem(ExitCodes.PERMISSION_DENIED, "permission denied: " + existing + ": user "
                    + System.getProperty("user.name") + " " + what + " (" + key + ")"));
            return problems;
        }
        // The scoreboard and the snapshot are replaced by a rename; the lock file is opened as it is.
        checkFile(problems, key, "scoreboard", scoreboard, false);
        checkFile(problems, key, "scoreboard lock", OwnerLock.pathFor(scoreboard), true);
        checkFile(problems, key, "configuration snapshot", config.snapshotFile(), false);
        return problems;
    }

    private static void checkFile(List<StartupProblem> problems, String key, String what, Path file,
            boolean openedInPlace) {
        if (Files.isSymbolicLink(file)) {
            problems.add(new StartupProblem(ExitCodes.PERMISSION_DENIED, NoFollow.refusal(what, file)));
        } else if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
            problems.add(new StartupProblem(ExitCodes.CONFIG, key + ": the " + what + " " + file + " is a directory"));
        } else if (openedInPlace && Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isWritable(file)) {
            problems.add(new StartupProblem(ExitCodes.PERMISSION_DENIED, "permission denied: " + file + ": user "
                    + System.getProperty("user.name") + " may not write the " + what + " (" + key + ")"));
        }
    }

    /** Read (the stale class archives are listed), write and search. */
    private static boolean mayWriteIn(Path directory) {
        return Files.isReadable(directory) && Files.isWritable(directory) && Files.isExecutable(directory);
    }
}
