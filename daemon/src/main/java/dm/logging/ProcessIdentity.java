package dm.logging;

import dm.CurrentProcess;

/**
 * Names the process in every log line ({@code dm[PID] supervisor:} or {@code dm[PID] slot 3:}).
 * conf/logback.xml reads these system properties, so they must be set before the first logger
 * is created: call {@link #set} first thing in main, in a class with no static logger.
 */
public final class ProcessIdentity {
    public static final String PID_PROPERTY = "dm.pid";
    public static final String ROLE_PROPERTY = "dm.role";

    private ProcessIdentity() {
    }

    public static void set(String role) {
        System.setProperty(PID_PROPERTY, Long.toString(CurrentProcess.pid()));
        System.setProperty(ROLE_PROPERTY, role);
    }
}
