package dm.logging;

/**
 * Whether our output goes to the systemd journal, and the syslog priority prefixes it reads.
 *
 * <p>systemd sets {@code JOURNAL_STREAM} for a service whose stdout or stderr is connected to the
 * journal (dm.service: {@code StandardOutput=journal}). journald takes a line that starts with
 * {@code <N>} as a message of priority N and strips the prefix, so that {@code journalctl -p warning}
 * finds the warnings. Workers inherit the variable: their lines reach the journal too, copied
 * unchanged by the supervisor's OutputRelay, so they carry their own prefix.
 */
public final class Journal {
    public static final String VARIABLE = "JOURNAL_STREAM";
    public static final int ERR = 3;
    public static final int WARNING = 4;
    public static final int INFO = 6;
    public static final int DEBUG = 7;

    private static final boolean ACTIVE = active(System.getenv(VARIABLE));

    private Journal() {
    }

    /** True when this process writes to the journal (its environment has {@code JOURNAL_STREAM}). */
    public static boolean active() {
        return ACTIVE;
    }

    static boolean active(String journalStream) {
        return journalStream != null && !journalStream.isBlank();
    }

    /** {@code <priority>} under the journal, else nothing: for the lines written without logback. */
    public static String prefix(int priority) {
        return ACTIVE ? "<" + priority + ">" : "";
    }
}
