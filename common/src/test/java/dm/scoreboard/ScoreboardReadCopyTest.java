package dm.scoreboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 12, item 4: the scoreboard is group-readable, and a reader who may not write gets a private copy. */
class ScoreboardReadCopyTest {
    @TempDir
    Path dir;

    @Test
    void theFileAndItsLockAreReadableByTheGroupOnly() throws Exception {
        Path file = dir.resolve("scoreboard");
        try (OwnerLock lock = OwnerLock.acquire(file, ProcessHandle.current().pid());
                Scoreboard scoreboard = Scoreboard.create(file, 2)) {
            assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(OwnerLock.pathFor(file))));
            // That setting the mode leaves the lock held shows from another process only: every dm-ctl
            // command of the integration tests asks OwnerLock.liveOwner first.
        }
    }

    @Test
    void aCopyIsASnapshotThatNamesTheRealFileAndLeavesNothing() throws Exception {
        Path file = dir.resolve("scoreboard");
        try (Scoreboard live = Scoreboard.create(file, 3)) {
            live.control().announce(4242, 1000);
            live.control().setPort(6905);
            try (Scoreboard copy = Scoreboard.readCopy(file)) {
                assertTrue(copy.isCopy());
                assertFalse(live.isCopy());
                assertEquals(file, copy.file());
                assertEquals(3, copy.slotCount());
                assertEquals(4242, copy.control().supervisorPid());
                assertEquals(6905, copy.control().port());
                live.control().setPort(6906);
                assertEquals(6905, copy.control().port(), "a snapshot: later changes do not reach it");
                copy.control().setPort(1);
                assertEquals(6906, live.control().port(), "and it never writes the real file");
            }
            try (Scoreboard again = Scoreboard.readCopy(file)) {
                assertEquals(6906, again.control().port(), "a fresh copy sees the change");
                again.delete(); // what the supervisor does on its way out: only the copy may go
            }
            assertTrue(Files.exists(file), "a copy's delete() leaves the real scoreboard");
        }
    }

    @Test
    void aMissingScoreboardIsNoDaemonAndAForeignFileIsRefused() throws Exception {
        ScoreboardException missing = assertThrows(ScoreboardException.class, () -> Scoreboard.readCopy(dir.resolve("none")));
        assertEquals(ScoreboardException.Reason.NO_DAEMON, missing.reason());
        Path other = Files.writeString(dir.resolve("other"), "not a map at all, but long enough to have a header");
        ScoreboardException foreign = assertThrows(ScoreboardException.class, () -> Scoreboard.readCopy(other));
        assertEquals(ScoreboardException.Reason.NOT_A_SCOREBOARD, foreign.reason());
    }
}
