package dm.scoreboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 9: a lock file planted as a link made a daemon running as root overwrite the link's target. */
class OwnerLockNoFollowTest {

    @TempDir
    Path dir;

    @Test
    void aLockThatIsALinkIsRefusedAndItsTargetLeftAlone() throws Exception {
        Path victim = Files.writeString(dir.resolve("victim"), "precious\n");
        Path scoreboard = dir.resolve("dm.scoreboard");
        Files.createSymbolicLink(OwnerLock.pathFor(scoreboard), victim);

        ScoreboardException e = assertThrows(ScoreboardException.class, () -> OwnerLock.acquire(scoreboard, 4242));
        assertEquals(ScoreboardException.Reason.PERMISSION_DENIED, e.reason());
        assertEquals("scoreboard lock " + OwnerLock.pathFor(scoreboard) + " is a symbolic link: refused (dm follows no"
                + " links beside the scoreboard)", e.getMessage());
        assertEquals("precious\n", Files.readString(victim));

        ScoreboardException read = assertThrows(ScoreboardException.class, () -> OwnerLock.liveOwner(scoreboard));
        assertEquals(e.getMessage(), read.getMessage());
    }

    @Test
    void aDanglingLinkIsNotCreatedThroughEither() throws Exception {
        Path target = dir.resolve("would-be-created");
        Path scoreboard = dir.resolve("dm.scoreboard");
        Files.createSymbolicLink(OwnerLock.pathFor(scoreboard), target);
        assertThrows(ScoreboardException.class, () -> OwnerLock.acquire(scoreboard, 4242));
        assertEquals(false, Files.exists(target));
    }

    @Test
    void aScoreboardThatIsALinkIsRefused() throws Exception {
        Path elsewhere = Files.writeString(dir.resolve("elsewhere"), "x");
        Path scoreboard = dir.resolve("dm.scoreboard");
        Files.createSymbolicLink(scoreboard, elsewhere);
        ScoreboardException e = assertThrows(ScoreboardException.class, () -> Scoreboard.verify(scoreboard));
        assertEquals(ScoreboardException.Reason.PERMISSION_DENIED, e.reason());
        assertEquals("scoreboard " + scoreboard + " is a symbolic link: refused (dm follows no links beside the"
                + " scoreboard)", e.getMessage());
    }
}
