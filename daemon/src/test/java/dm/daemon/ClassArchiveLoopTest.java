package dm.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dm.ExitCodes;
import dm.daemon.FakeLauncher.FakeWorker;

/** The loop and the class archive: a worker whose JVM refuses the archive is no sign of a broken configuration. */
class ClassArchiveLoopTest {
    @TempDir
    Path directory;

    @Test
    void workersRefusingTheArchiveAreStartedAgainWithoutItAndNeverStopTheDaemon() throws Exception {
        try (LoopHarness loop = new LoopHarness(directory, Map.of("pool.min", "1", "pool.min-spare", "0",
                "worker.class-archive", "true", "worker.min-uptime-ms", "0"))) {
            for (int archive = 0; archive < 2; archive++) {
                loop.turn();
                FakeWorker trainer = loop.launcher.inSlot(0);
                assertTrue(trainer.command.trainer(), "a trainer writes archive " + archive);
                trainer.accept();
                loop.tick();
                writeWhatTheTrainerWrites(trainer);
                loop.launcher.obeyRequests();
                loop.turn();
                FakeWorker fromArchive = loop.launcher.inSlot(0);
                assertTrue(fromArchive.command.fromArchive(), "the next one maps it: " + fromArchive.command.argv());
                fromArchive.exit(Reaper.JVM_REFUSED_TO_START); // "Unable to use shared archive"
                loop.turn();
                assertEquals(1, loop.live(), "started again at once");
            }
            // Refused twice: workers start without an archive.
            FakeWorker plain = loop.launcher.inSlot(0);
            assertFalse(plain.command.trainer() || plain.command.fromArchive(), plain.command.argv().toString());
            // The same exit without an archive is the configuration's: it counts, and can stop the daemon.
            for (int death = 1; death < Reaper.MAX_BOOT_DEATHS_IN_A_ROW; death++) {
                loop.launcher.inSlot(0).exit(1);
                loop.turn();
            }
            loop.launcher.inSlot(0).exit(1);
            assertEquals(ExitCodes.WORKERS_CANNOT_BOOT, loop.turnForExit());
        }
    }

    /** The trainer's archive option names the partial file it writes as it exits. */
    private static void writeWhatTheTrainerWrites(FakeWorker trainer) throws Exception {
        String option = trainer.command.argv().stream().filter(a -> a.startsWith("-XX:ArchiveClassesAtExit=")
                || a.startsWith("-XX:AOTCacheOutput=")).findFirst().orElseThrow();
        Files.write(Path.of(option.substring(option.indexOf('=') + 1)), new byte[] {1});
    }
}
