package dm.scoreboard;

import java.net.InetSocketAddress;

/**
 * One worker's record. The worker writes its state and call count; the supervisor writes pid,
 * start time and the shutdown request. Lock-free throughout.
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

    /** When the current connection began (0 when none). */
    public long busySinceMillis() {
        return value.getVolatileBusySinceMillis();
    }

    /** The client of the current (or last) connection, or null before the first one. */
    public InetSocketAddress client() {
        int port = value.getVolatileClientPort();
        if (port == 0) {
            return null;
        }
        return ClientAddress.decode(value.getVolatileClientHigh(), value.getVolatileClientLow(), port);
    }

    /** Connections after which this worker leaves to be replaced (0: no limit). */
    public long maxCalls() {
        return value.getVolatileMaxCalls();
    }

    /** The worker serves, or has served, the connection after which it leaves (worker.max-requests). */
    public boolean reachedMaxCalls() {
        long max = maxCalls();
        WorkerState state = state();
        return max > 0 && calls() >= max && (state == WorkerState.BUSY || state == WorkerState.EXITING);
    }

    /** The worker's PSS in KiB as the supervisor last read it (worker.pss-interval-ms); 0 until then. */
    public long pssKib() {
        return value.getVolatilePssKib();
    }

    /** Supervisor: the PSS it has just read for this slot's worker. */
    public void recordPss(long kib) {
        value.setOrderedPssKib(kib);
    }

    /** Supervisor: a fresh worker is about to be spawned into this slot. */
    public void prepare(long startedMillis, long maxCalls) {
        value.setOrderedRequest(ShutdownRequest.NORMAL.ordinal());
        value.setOrderedPid(0);
        value.setCalls(0);
        value.setOrderedMaxCalls(maxCalls);
        value.setOrderedBusySinceMillis(0);
        value.setOrderedClientPort(0);
        value.setOrderedPssKib(0);
        value.setOrderedStartedMillis(startedMillis);
        value.setOrderedState(WorkerState.STARTING.ordinal());
    }

    /** Worker: it accepted a connection from {@code client}; returns its call count. */
    public long beginConnection(InetSocketAddress client, long nowMillis) {
        long[] address = ClientAddress.encode(client.getAddress());
        value.setOrderedClientHigh(address[0]);
        value.setOrderedClientLow(address[1]);
        value.setOrderedClientPort(client.getPort());
        value.setOrderedBusySinceMillis(nowMillis);
        value.setOrderedState(WorkerState.BUSY.ordinal());
        return value.addAtomicCalls(1);
    }

    /** Worker: the connection is closed. */
    public void endConnection() {
        value.setOrderedState(WorkerState.IDLE.ordinal());
        value.setOrderedBusySinceMillis(0);
    }

    /** Supervisor or worker: records the worker's pid. */
    public void setPid(long pid) {
        value.setOrderedPid(pid);
    }

    /** Supervisor: the worker in this slot is gone. */
    public void clear() {
        value.setOrderedPid(0);
        value.setOrderedPssKib(0);
        value.setOrderedState(WorkerState.EMPTY.ordinal());
        value.setOrderedRequest(ShutdownRequest.NORMAL.ordinal());
    }

    public void request(ShutdownRequest request) {
        value.setOrderedRequest(request.ordinal());
    }

    public void setState(WorkerState state) {
        value.setOrderedState(state.ordinal());
    }

}
