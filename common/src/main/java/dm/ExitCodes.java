package dm;

/**
 * Every exit code of dm-daemon, dm-ctl and the worker JVMs, in one place. The numbers follow
 * sysexits.h where one fits, so that scripts and systemd can tell the causes apart.
 */
public final class ExitCodes {
    /** Success: the command was carried out. */
    public static final int OK = 0;
    /** A run-time failure that is not the operator's input (the log has the details). */
    public static final int FAILURE = 1;
    /** dm-ctl waited for the daemon to act and the bound on the wait ran out. */
    public static final int TIMEOUT = 4;
    /** The command line is wrong (unknown option, missing argument). */
    public static final int USAGE = 64;
    /** The scoreboard file exists but is not a dm scoreboard. */
    public static final int NOT_A_SCOREBOARD = 65;
    /** bin/dm-jsvc: the account given to run the daemon (DM_USER, jsvc -user) does not exist. */
    public static final int NO_SUCH_USER = 67;
    /** No daemon runs for this configuration (no scoreboard, or a stale one). */
    public static final int NO_DAEMON = 69;
    /** The listening socket could not be had: port in use, address not available. */
    public static final int CANNOT_LISTEN = 71;
    /** Another daemon already owns this scoreboard. */
    public static final int ALREADY_RUNNING = 73;
    /** Workers cannot boot (missing handler class, bad worker JVM options): the daemon stopped. */
    public static final int WORKERS_CANNOT_BOOT = 76;
    /** Permission denied on the scoreboard or another file dm needs. */
    public static final int PERMISSION_DENIED = 77;
    /** The configuration is invalid: unknown key, bad value, missing or unreadable file. */
    public static final int CONFIG = 78;

    /** Worker JVM: left because the supervisor asked. */
    public static final int WORKER_LEFT = 0;
    /** Worker JVM: left because its supervisor is gone. */
    public static final int WORKER_ORPHANED = 2;
    /** Worker JVM: left after worker.max-requests connections, to be replaced by a fresh one. */
    public static final int WORKER_RECYCLED = 5;
    /**
     * Worker JVM: could not boot; the supervisor must not respawn it in a loop. (Not 3, which is
     * what the JVM exits with on -XX:+ExitOnOutOfMemoryError.)
     */
    public static final int WORKER_BOOT_FAILED = 70;

    private ExitCodes() {
    }
}
