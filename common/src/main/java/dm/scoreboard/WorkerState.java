package dm.scoreboard;

/** What a worker is doing, as it tells the scoreboard. */
public enum WorkerState {
    /** No worker in this slot. */
    EMPTY('.'),
    /** Spawned, not yet accepting. */
    STARTING('S'),
    /** Blocked in accept(). */
    IDLE('_'),
    /** Serving a connection. */
    BUSY('W'),
    /** Leaving; accepts nothing more. */
    EXITING('G');

    private final char symbol;

    WorkerState(char symbol) {
        this.symbol = symbol;
    }

    /** One character for the compact scoreboard line, after Apache's mod_status. */
    public char symbol() {
        return symbol;
    }

    public static WorkerState of(int code) {
        WorkerState[] all = values();
        return code >= 0 && code < all.length ? all[code] : EMPTY;
    }
}
