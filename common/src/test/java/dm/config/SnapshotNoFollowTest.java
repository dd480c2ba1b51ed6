package dm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration snapshot beside the scoreboard is never written or read through a symbolic link. */
class SnapshotNoFollowTest {

    @TempDir
    Path dir;

    private ServerConfig config() throws ConfigException {
        Properties properties = new Properties();
        properties.setProperty("scoreboard.file", dir.resolve("dm.scoreboard").toString());
        return ServerConfig.fromProperties(dir.resolve("server.properties"), properties);
    }

    @Test
    void aLinkAtTheSnapshotIsReplacedNotWrittenThrough() throws Exception {
        Path victim = Files.writeString(dir.resolve("victim"), "precious\n");
        ServerConfig config = config();
        Path snapshot = config.snapshotFile();
        Files.createSymbolicLink(snapshot, victim);
        ConfigSnapshot.write(config, snapshot);
        assertEquals("precious\n", Files.readString(victim));
        assertFalse(Files.isSymbolicLink(snapshot));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(snapshot)));
        assertEquals(config.scoreboardFile(), ConfigSnapshot.read(snapshot).scoreboardFile());
    }

    @Test
    void aLinkPlantedAtTheTemporaryNameIsRefused() throws Exception {
        Path victim = Files.writeString(dir.resolve("victim"), "precious\n");
        ServerConfig config = config();
        Path snapshot = config.snapshotFile();
        Path temporary = snapshot.resolveSibling(snapshot.getFileName() + ".tmp");
        // deleteIfExists removes a link planted before the write; one planted in between meets CREATE_NEW.
        Files.createSymbolicLink(temporary, victim);
        ConfigSnapshot.write(config, snapshot);
        assertEquals("precious\n", Files.readString(victim));
        assertTrue(Files.isRegularFile(snapshot, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aWorkerRefusesASnapshotThatIsALink() throws IOException {
        Path elsewhere = Files.writeString(dir.resolve("elsewhere.properties"), "pool.max = 8\n");
        Path snapshot = dir.resolve("dm.scoreboard.conf");
        Files.createSymbolicLink(snapshot, elsewhere);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigSnapshot.read(snapshot));
        assertEquals("configuration snapshot " + snapshot + " is a symbolic link: refused (dm follows no links beside"
                + " the scoreboard)", e.getMessage());
    }
}
