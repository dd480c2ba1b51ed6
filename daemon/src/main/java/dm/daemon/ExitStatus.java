package dm.daemon;

import java.util.Map;

import dm.ExitCodes;

/** Puts a worker's exit value into words for the line that logs its exit. */
final class ExitStatus {
    private static final Map<Integer, String> SIGNALS = Map.ofEntries(
            Map.entry(1, "SIGHUP"), Map.entry(2, "SIGINT"), Map.entry(3, "SIGQUIT"), Map.entry(4, "SIGILL"),
            Map.entry(6, "SIGABRT"), Map.entry(7, "SIGBUS"), Map.entry(8, "SIGFPE"), Map.entry(9, "SIGKILL"),
            Map.entry(10, "SIGUSR1"), Map.entry(11, "SIGSEGV"), Map.entry(12, "SIGUSR2"), Map.entry(13, "SIGPIPE"),
            Map.entry(14, "SIGALRM"), Map.entry(15, "SIGTERM"));

    private ExitStatus() {
    }

    /**
     * The JDK reports a child killed by signal N as 128 + N (and a JVM that ran its shutdown hooks
     * after SIGTERM exits with 143 too), so values above 128 are read as signals. A SIGKILL we did
     * not send most likely came from the kernel's out-of-memory killer.
     */
    static String describe(int exitValue, String killReason) {
        if (killReason != null) {
            return killReason;
        }
        if (exitValue > 128 && exitValue < 160) {
            int signal = exitValue - 128;
            String text = "killed by signal " + SIGNALS.getOrDefault(signal, Integer.toString(signal));
            return signal == 9 ? text + " (not sent by dm: possibly out of memory)" : text;
        }
        if (exitValue == ExitCodes.WORKER_RECYCLED) {
            return "exited: code " + exitValue + " (served worker.max-requests)";
        }
        if (exitValue == 3) {
            return "exited: code 3 (out of memory, with -XX:+ExitOnOutOfMemoryError)";
        }
        return "exited: code " + exitValue;
    }
}
