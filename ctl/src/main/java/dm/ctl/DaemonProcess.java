package dm.ctl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether the supervisor still runs. A process that has exited stays a zombie until its parent
 * reaps it (pid 1 can take a second or more), and the JDK counts a zombie as alive; dm-ctl must
 * not keep waiting for a daemon that is already gone.
 */
final class DaemonProcess {

    private DaemonProcess() {
    }

    static boolean running(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException e) {
            return false;
        }
        // pid (comm) S ...: the state follows the last ')' since comm may contain anything.
        int end = stat.lastIndexOf(')');
        return end > 0 && end + 2 < stat.length() && stat.charAt(end + 2) != 'Z' && stat.charAt(end + 2) != 'X';
    }
}
