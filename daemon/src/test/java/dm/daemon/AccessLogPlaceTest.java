package dm.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dm.config.ServerConfig;

class AccessLogPlaceTest {

    @TempDir
    Path dir;

    private Path config;

    private Optional<StartupProblem> check(String value) throws Exception {
        config = Files.writeString(dir.resolve("server.properties"), "log.access-file = " + value + "\n");
        return AccessLogPlace.check(ServerConfig.load(config));
    }

    @Test
    void offOrAFileToCreateInAnExistingDirectoryIsFine() throws Exception {
        assertEquals(Optional.empty(), check(""));
        assertEquals(Optional.empty(), check("access.log"), "relative to the configuration file's directory");
        assertFalse(Files.exists(dir.resolve("access.log")), "the check creates nothing");
        Files.writeString(dir.resolve("old.log"), "a line\n");
        assertEquals(Optional.empty(), check(dir.resolve("old.log").toString()));
    }

    @Test
    void aMissingDirectoryIsAConfigurationError() throws Exception {
        Path file = dir.resolve("logs/access.log");
        assertEquals(Optional.of(new StartupProblem(78, config() + ": log.access-file = " + file + ": the directory "
                + dir.resolve("logs") + " does not exist")), check(file.toString()));
    }

    @Test
    void aDirectoryOrAFileInPlaceOfTheDirectoryIsAConfigurationError() throws Exception {
        Files.createDirectory(dir.resolve("logs"));
        assertEquals(Optional.of(new StartupProblem(78, config() + ": log.access-file = " + dir.resolve("logs")
                + ": is a directory")), check("logs"));
        Files.writeString(dir.resolve("plain"), "");
        Path file = dir.resolve("plain/access.log");
        assertEquals(Optional.of(new StartupProblem(78, config() + ": log.access-file = " + file + ": "
                + dir.resolve("plain") + " is not a directory")), check(file.toString()));
    }

    @Test
    void aFileOrDirectoryThisUserMayNotWriteIsPermissionDenied() throws Exception {
        assumeFalse("root".equals(System.getProperty("user.name")), "root may write anywhere");
        Path locked = Files.createDirectory(dir.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
        Path file = locked.resolve("access.log");
        assertEquals(77, check(file.toString()).orElseThrow().exitCode());
    }

    private Path config() {
        return dir.resolve("server.properties");
    }
}
