package dm.daemon;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import dm.ExitCodes;
import dm.config.ServerConfig;
import dm.config.Settings;

/**
 * Whether the workers will be able to append to log.access-file: its directory exists, and the
 * file is not a directory and may be written, or may be created there. Checked at start, by
 * --check and by dm-ctl -restart, so that a wrong path is one clear line, not workers that
 * cannot boot. Creates nothing: the first worker creates the file.
 */
final class AccessLogPlace {

    private AccessLogPlace() {
    }

    static Optional<StartupProblem> check(ServerConfig config) {
        Optional<Path> configured = config.accessLogFile();
        if (configured.isEmpty()) {
            return Optional.empty();
        }
        Path file = configured.get();
        String key = config.file() + ": " + Settings.LOG_ACCESS_FILE.key() + " = " + file;
        Path directory = file.getParent();
        if (Files.isDirectory(file)) {
            return problem(ExitCodes.CONFIG, key + ": is a directory");
        }
        if (directory == null || !Files.exists(directory)) {
            return problem(ExitCodes.CONFIG, key + ": the directory " + directory + " does not exist");
        }
        if (!Files.isDirectory(directory)) {
            return problem(ExitCodes.CONFIG, key + ": " + directory + " is not a directory");
        }
        boolean exists = Files.exists(file);
        if (exists ? !Files.isWritable(file) : !(Files.isWritable(directory) && Files.isExecutable(directory))) {
            return problem(ExitCodes.PERMISSION_DENIED, "permission denied: " + (exists ? file : directory) + ": user "
                    + System.getProperty("user.name") + " may not " + (exists ? "write the access log" : "create it there")
                    + " (" + key + ")");
        }
        return Optional.empty();
    }

    private static Optional<StartupProblem> problem(int exitCode, String message) {
        return Optional.of(new StartupProblem(exitCode, message));
    }
}
