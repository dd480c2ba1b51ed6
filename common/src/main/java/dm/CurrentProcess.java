package dm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's pid, from the /proc/self link. ProcessHandle.current() would do, but the JDK then
 * sets up its process-reaper thread pool as well: about 10 ms of a worker's boot, for a number.
 */
public final class CurrentProcess {
    private static final long PID = readPid();

    private CurrentProcess() {
    }

    public static long pid() {
        return PID;
    }

    private static long readPid() {
        try {
            return Long.parseLong(Files.readSymbolicLink(Path.of("/proc/self")).toString());
        } catch (IOException | NumberFormatException | UnsupportedOperationException e) {
            return ProcessHandle.current().pid(); // no /proc: the JDK's way
        }
    }
}
