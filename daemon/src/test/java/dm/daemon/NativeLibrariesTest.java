package dm.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JNA's and jffi's native libraries, unpacked once beside the scoreboard for every worker. */
class NativeLibrariesTest {
    @TempDir
    Path dir;

    @Test
    void unpackedOnceIntoAPrivateDirectoryAndRemovedAtTheEnd() throws Exception {
        assumeTrue(NativeLibraries.noexecMount(dir) == null, "the test directory is on a noexec file system");
        Path scoreboard = dir.resolve("dm.scoreboard");
        List<String> options = NativeLibraries.unpackBeside(scoreboard);
        assertEquals(3, options.size(), options::toString);
        Path unpacked = Path.of(options.get(0).substring(options.get(0).indexOf('=') + 1));
        assertTrue(unpacked.getFileName().toString().matches("dm\\.scoreboard\\.native-\\w{16}"), unpacked::toString);
        assertEquals(List.of("-Djna.boot.library.path=" + unpacked, "-Djffi.boot.library.path=" + unpacked,
                "-Djna.tmpdir=" + unpacked), options);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(unpacked)));
        assertTrue(Files.size(unpacked.resolve("libjnidispatch.so")) > 0);
        assertTrue(Files.size(unpacked.resolve("libjffi-1.2.so")) > 0);
        long written = Files.getLastModifiedTime(unpacked.resolve("libjnidispatch.so")).toMillis();

        assertEquals(options, NativeLibraries.unpackBeside(scoreboard), "a second generation finds them");
        assertEquals(written, Files.getLastModifiedTime(unpacked.resolve("libjnidispatch.so")).toMillis(),
                "and leaves them as they are");
        NativeLibraries.removeAll(scoreboard);
        assertFalse(Files.exists(unpacked));
    }

    @Test
    void aLinkInPlaceOfTheDirectoryIsNotFollowed() throws Exception {
        assumeTrue(NativeLibraries.noexecMount(dir) == null, "the test directory is on a noexec file system");
        Path scoreboard = dir.resolve("dm.scoreboard");
        Path unpacked = Path.of(NativeLibraries.unpackBeside(scoreboard).get(0).replaceFirst("^[^=]*=", ""));
        NativeLibraries.removeAll(scoreboard);
        Path theirs = Files.createDirectory(dir.resolve("theirs"));
        Files.createSymbolicLink(unpacked, theirs);
        assertEquals(List.of(), NativeLibraries.unpackBeside(scoreboard), "workers unpack for themselves");
        try (var files = Files.list(theirs)) {
            assertEquals(0, files.count(), "nothing written through the link");
        }
    }

    @Test
    void theMountOfTheRootIsFound() {
        // /proc/self/mountinfo always has "/"; whatever its options, the answer names a mount or is null.
        String answer = NativeLibraries.noexecMount(Path.of("/"));
        assertTrue(answer == null || answer.startsWith("/"), answer);
    }
}
