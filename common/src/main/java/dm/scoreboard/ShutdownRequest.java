package dm.scoreboard;

/** What the supervisor asks of one worker. */
public enum ShutdownRequest {
    /** Keep serving. */
    NORMAL,
    /** Finish the current connection, then exit for good. */
    SHUTDOWN,
    /** Finish the current connection, then exit to be replaced by a fresh JVM. */
    RESTART;

    public static ShutdownRequest of(int code) {
        ShutdownRequest[] all = values();
        return code >= 0 && code < all.length ? all[code] : NORMAL;
    }
}
