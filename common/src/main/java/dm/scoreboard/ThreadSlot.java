package dm.scoreboard;

import java.net.InetSocketAddress;

/**
 * One accepting thread's record inside a worker's {@link Slot}, like Apache's {@code worker_score}
 * inside {@code process_score}: its state, its own call count, when its connection began and
 * whose it is. Only that thread writes it (the supervisor resets it before a worker starts), so
 * ordered writes suffice; every reader sees it lock-free.
 */
public final class ThreadSlot {
    private final int index;
    private final SlotValue value;
    /** The process record whose call count every connection of this thread adds to. */
    private final SlotValue process;
    /** Keeps the mapped memory {@link #value} points into from being unmapped (see {@link Slot}). */
    @SuppressWarnings("unused")
    private final Scoreboard owner;

    ThreadSlot(int index, SlotValue value, SlotValue process, Scoreboard owner) {
        this.index = index;
        this.value = value;
        this.process = process;
        this.owner = owner;
    }

    SlotValue value() {
        return value;
    }

    /** 0 .. worker.threads - 1. */
    public int index() {
        return index;
    }

    public WorkerState state() {
        return WorkerState.of(value.getVolatileState());
    }

    /** Connections this thread has served since its worker started. */
    public long calls() {
        return value.getVolatileCalls();
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

    /**
     * Worker thread: it accepted a connection from {@code client}; returns the worker's call count
     * (all its threads), which worker.max-requests compares with.
     */
    public long beginConnection(InetSocketAddress client, long nowMillis) {
        long[] address = ClientAddress.encode(client.getAddress());
        value.setOrderedClientHigh(address[0]);
        value.setOrderedClientLow(address[1]);
        value.setOrderedClientPort(client.getPort());
        value.setOrderedBusySinceMillis(nowMillis);
        value.setOrderedCalls(value.getCalls() + 1);
        value.setOrderedState(WorkerState.BUSY.ordinal());
        return process.addAtomicCalls(1);
    }

    /** Worker thread: the connection is closed; it goes back to accept(). */
    public void endConnection() {
        value.setOrderedState(WorkerState.IDLE.ordinal());
        value.setOrderedBusySinceMillis(0);
    }

    /** Worker thread: its connection took {@code nanos}, from accept to close. */
    public void observeRequest(long nanos) {
        Histogram.REQUEST_SECONDS.observe(value, nanos / 1_000);
    }

    /** Connection durations of this thread record, over every worker its slot has had since the daemon started. */
    public Histogram.Reading requestDurations() {
        return Histogram.REQUEST_SECONDS.read(value);
    }

    public void setState(WorkerState state) {
        value.setOrderedState(state.ordinal());
    }

    /** Supervisor: a fresh worker is about to be spawned, or the slot is emptied. */
    void reset(WorkerState state) {
        value.setCalls(0);
        value.setOrderedBusySinceMillis(0);
        value.setOrderedClientPort(0);
        value.setOrderedState(state.ordinal());
    }
}
