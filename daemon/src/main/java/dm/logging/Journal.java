package dm.logging;

import ch.qos.logback.classic.Level;

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

    /** The syslog priority of a logback level: trace and debug are both debug. */
    static int priority(Level level) {
        if (level.isGreaterOrEqual(Level.ERROR)) {
            return ERR;
        }
        if (level.isGreaterOrEqual(Level.WARN)) {
            return WARNING;
        }
        return level.isGreaterOrEqual(Level.INFO) ? INFO : DEBUG;
    }

    /** {@code prefix} before each line of {@code text}; a final line break opens no new line. */
    static String prefixLines(String prefix, String text) {
        StringBuilder out = new StringBuilder(text.length() + prefix.length());
        boolean lineStart = true;
        for (int i = 0; i < text.length(); i++) {
            if (lineStart) {
                out.append(prefix);
                lineStart = false;
            }
            char c = text.charAt(i);
            out.append(c);
            if (c == '\n') {
                lineStart = true;
            }
        }
        return out.toString();
    }
}
