package dm.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class archive's life: trained once, mapped strictly, renewed when a jar changes under a
 * running daemon, dropped when the JVM refuses it. No JVM runs: the trainer's output is written by hand.
 */
class ClassArchiveTest {
    private static final List<String> COMMAND = List.of("java", "-Xmx64m");

    @TempDir
    Path dir;

    @Test
    void anAppCdsArchiveBeforeJdk25AndAnAotCacheFromIt() throws Exception {
        Path jar = jar("a.jar");
        ClassArchive cds = ClassArchive.forCommand(dir.resolve("dm.scoreboard"), COMMAND, List.of(jar.toString()), 17);
        assertTrue(cds.archive().getFileName().toString().matches("dm\\.scoreboard\\.worker-\\w{16}\\.jsa"));
        ClassArchive.Options trainer = cds.optionsForNextWorker();
        assertTrue(trainer.trainer());
        assertEquals("-XX:ArchiveClassesAtExit=" + cds.archive() + ".partial", trainer.options().get(0));

        ClassArchive aot = ClassArchive.forCommand(dir.resolve("other"), COMMAND, List.of(jar.toString()), 25);
        assertTrue(aot.archive().getFileName().toString().endsWith(".aot"));
        assertEquals("-XX:AOTCacheOutput=" + aot.archive() + ".partial", aot.optionsForNextWorker().options().get(0));
        train(aot);
        ClassArchive.Options user = aot.optionsForNextWorker();
        assertTrue(user.fromArchive());
        assertEquals(List.of("-XX:AOTMode=on", "-XX:AOTCache=" + aot.archive()), user.options(),
                "strictly: a JVM that cannot map it says so and stops");
    }

    @Test
    void oneTrainerAtATimeThenEveryWorkerMapsTheArchiveStrictly() throws Exception {
        ClassArchive archive = ClassArchive.forCommand(dir.resolve("dm.scoreboard"), COMMAND,
                List.of(jar("a.jar").toString()), 17);
        assertTrue(archive.optionsForNextWorker().trainer());
        assertEquals(ClassArchive.Options.NONE, archive.optionsForNextWorker(), "no second trainer meanwhile");
        Files.write(Path.of(archive.archive() + ".partial"), new byte[] {1, 2, 3});
        archive.trainerExited(true);
        assertTrue(Files.isRegularFile(archive.archive()));
        ClassArchive.Options user = archive.optionsForNextWorker();
        assertTrue(user.fromArchive() && !user.trainer());
        assertEquals(List.of("-Xshare:on", "-XX:SharedArchiveFile=" + archive.archive()), user.options());
    }

    @Test
    void aJarReplacedUnderARunningDaemonMakesANewArchiveTheOldOneIsNeverUsed() throws Exception {
        Path jar = jar("a.jar");
        ClassArchive archive = ClassArchive.forCommand(dir.resolve("dm.scoreboard"), COMMAND, List.of(jar.toString()), 25);
        archive.optionsForNextWorker();
        train(archive);
        Path old = archive.archive();
        assertTrue(archive.optionsForNextWorker().fromArchive());

        // Same size, another modification time: what a redeploy of the same version looks like.
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 5000));
        ClassArchive.Options next = archive.optionsForNextWorker();
        assertTrue(next.trainer(), "a new archive is trained: " + next);
        assertFalse(next.fromArchive());
        assertNotEquals(old, archive.archive());
        assertFalse(Files.exists(old), "the stale archive is removed");
    }

    @Test
    void anArchiveTheJvmRefusesIsRemovedAndRetrainedOnceAtMost() throws Exception {
        ClassArchive archive = ClassArchive.forCommand(dir.resolve("dm.scoreboard"), COMMAND,
                List.of(jar("a.jar").toString()), 17);
        archive.optionsForNextWorker();
        train(archive);
        assertTrue(archive.optionsForNextWorker().fromArchive());
        archive.refused(1234, 0);
        assertFalse(Files.exists(archive.archive()));
        assertTrue(archive.optionsForNextWorker().trainer(), "a second attempt");
        train(archive);
        archive.refused(1235, 0);
        assertEquals(ClassArchive.Options.NONE, archive.optionsForNextWorker(), "then workers start without one");
    }

    @Test
    void optionsThatChooseTheirOwnClassSharingTurnItOff() throws Exception {
        ClassArchive archive = ClassArchive.forCommand(dir.resolve("dm.scoreboard"), List.of("java", "-Xshare:off"),
                List.of(jar("a.jar").toString()), 17);
        assertEquals(ClassArchive.Options.NONE, archive.optionsForNextWorker());
    }

    private Path jar(String name) throws Exception {
        return Files.write(dir.resolve(name), new byte[] {'P', 'K'});
    }

    /** What a trainer that left normally leaves: the partial archive, then its exit. */
    private static void train(ClassArchive archive) throws Exception {
        Files.write(Path.of(archive.archive() + ".partial"), new byte[] {1, 2, 3});
        archive.trainerExited(true);
    }
}
