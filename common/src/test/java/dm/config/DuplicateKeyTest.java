package dm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A key given twice is refused with both line numbers; the lines are counted as Properties reads them. */
class DuplicateKeyTest {

    @TempDir
    Path dir;

    private Path write(String text) throws IOException {
        Path file = dir.resolve("server.properties");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void aDuplicateKeyIsRefusedNamingTheKeyAndBothLines() throws IOException {
        Path file = write("# pool\npool.min = 2\npool.max = 8\n\n! again\npool.min = 3\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.load(file));
        assertEquals(file + ": duplicate key 'pool.min': on line 2 and again on line 6 (keep one)", e.getMessage());
    }

    @Test
    void linesAreCountedAcrossContinuationsAndEveryLineEnding() throws IOException {
        Path file = write("worker.jvm-options = -Xmx32m \\\n    -Xss512k\r\npool.max = 8\rworker.jvm-options:-Xmx16m\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.load(file));
        assertEquals(file + ": duplicate key 'worker.jvm-options': on line 1 and again on line 4 (keep one)",
                e.getMessage());
    }

    @Test
    void keysMeanWhatTheyMeanToProperties() {
        List<PropertiesFile.Entry> entries = PropertiesFile.parse(
                "a\\ b = 1\n  c:2\nd 3\n# e = 4\ne = 5 \\\\\nf = 6 \\\n  # not a comment\ng\n");
        assertEquals(List.of(new PropertiesFile.Entry("a b", "1", 1), new PropertiesFile.Entry("c", "2", 2),
                new PropertiesFile.Entry("d", "3", 3), new PropertiesFile.Entry("e", "5 \\", 5),
                new PropertiesFile.Entry("f", "6 # not a comment", 6), new PropertiesFile.Entry("g", "", 8)), entries);
    }

    @Test
    void aDuplicateWrittenWithAnEscapeIsStillTheSameKey() throws IOException {
        Path file = write("pool.max = 8\npool\\u002emax = 9\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.load(file));
        assertEquals(file + ": duplicate key 'pool.max': on line 1 and again on line 2 (keep one)", e.getMessage());
    }

    @Test
    void aBadEscapeNamesItsLine() throws IOException {
        Path file = write("pool.max = 8\nworker.handler = \\uZZZZ\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.load(file));
        assertEquals(file + ": cannot read configuration file: line 2: Malformed \\uxxxx encoding.", e.getMessage());
    }

    @Test
    void dmCtlLooksOnlyAtTheScoreboardKey() throws Exception {
        Path other = write("pool.min = 2\npool.min = 3\nscoreboard.file = run/sb\n");
        assertEquals(dir.resolve("run/sb"), ServerConfig.locateScoreboard(other));
        Path twice = write("scoreboard.file = a\npool.min = 3\nscoreboard.file = b\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.locateScoreboard(twice));
        assertEquals(twice + ": duplicate key 'scoreboard.file': on line 1 and again on line 3 (keep one)", e.getMessage());
    }
}
