package dm.scoreboard;

/**
 * The supervisor's status. dm-ctl asks for one of the three non-normal statuses; the supervisor
 * shows which one it is carrying out.
 */
public enum ParentStatus {
    NORMAL("normal"),
    WAIT_DOWN("wait-down"),
    FORCE_DOWN("force-down"),
    CHILD_RESTART("child-restart"),
    /** The supervisor has left; the scoreboard is stale. */
    STOPPED("stopped");

    private final String label;

    ParentStatus(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static ParentStatus of(int code) {
        ParentStatus[] all = values();
        return code >= 0 && code < all.length ? all[code] : NORMAL;
    }
}
