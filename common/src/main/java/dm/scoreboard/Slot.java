package dm.scoreboard;

/**
 * One worker's record (the seed's {@code child_info_t}). The worker writes its state and call
 * count; the supervisor writes pid, start time and the shutdown request. Lock-free throughout.
 */
public final class Slot {
    private final int index;
    private final SlotValue value;
    /**
     * The scoreboard whose mapped memory {@link #value} points into. Holding it keeps the map
     * reachable: once a Chronicle Map is garbage collected its memory is unmapped, and the next
     * access through the native reference crashes the JVM (SIGSEGV).
     */
    @SuppressWarnings("unused")
    private final Scoreboard owner;

    Slot(int index, SlotValue value, Scoreboard owner) {
        this.index = index;
        this.value = value;
        this.owner = owner;
    }

    public int index() {
        return index;
    }

    public long pid() {
        return value.getVolatilePid();
    }

    public WorkerState state() {
        return WorkerState.of(value.getVolatileState());
    }

    public ShutdownRequest request() {
        return ShutdownRequest.of(value.getVolatileRequest());
    }

    public long calls() {
        return value.getVolatileCalls();
    }

    public long startedMillis() {
        return value.getVolatileStartedMillis();
    }

    /** Supervisor: a fresh worker is about to be spawned into this slot. */
    public void prepare(long startedMillis) {
        value.setOrderedRequest(ShutdownRequest.NORMAL.ordinal());
        value.setOrderedPid(0);
        value.setCalls(0);
        value.setOrderedStartedMillis(startedMillis);
        value.setOrderedState(WorkerState.STARTING.ordinal());
    }

    /** Supervisor or worker: records the worker's pid. */
    public void setPid(long pid) {
        value.setOrderedPid(pid);
    }

    /** Supervisor: the worker in this slot is gone. */
    public void clear() {
        value.setOrderedPid(0);
        value.setOrderedState(WorkerState.EMPTY.ordinal());
        value.setOrderedRequest(ShutdownRequest.NORMAL.ordinal());
    }

    public void request(ShutdownRequest request) {
        value.setOrderedRequest(request.ordinal());
    }

    public void setState(WorkerState state) {
        value.setOrderedState(state.ordinal());
    }

    /** Worker: one more connection accepted; returns the new count. */
    public long countCall() {
        return value.addAtomicCalls(1);
    }
}
