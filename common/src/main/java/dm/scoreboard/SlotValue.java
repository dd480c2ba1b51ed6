package dm.scoreboard;

import net.openhft.chronicle.values.Array;

/**
 * The off-heap layout of one scoreboard record, shared by every process through the Chronicle Map.
 * Chronicle Values implements it over the mapped memory; the implementation is generated at build
 * time (see the common module's pom) so that no process runs javac.
 *
 * <p>Slot records, thread records and the control record share this layout; {@link Slot},
 * {@link ThreadSlot} and {@link Control} give the fields their meaning. Steady-state access is lock-free: volatile reads, ordered writes,
 * atomic adds and compare-and-swap, never {@code put} or {@code compute}.
 */
public interface SlotValue {
    long getPid();
    void setPid(long v);
    long getVolatilePid();
    void setOrderedPid(long v);

    int getState();
    void setState(int v);
    int getVolatileState();
    void setOrderedState(int v);

    int getRequest();
    void setRequest(int v);
    int getVolatileRequest();
    void setOrderedRequest(int v);

    long getCalls();
    void setCalls(long v);
    long getVolatileCalls();
    long addAtomicCalls(long delta);
    /** Thread records: a thread's own count, written by that thread alone. */
    void setOrderedCalls(long v);

    long getStartedMillis();
    void setStartedMillis(long v);
    long getVolatileStartedMillis();
    void setOrderedStartedMillis(long v);

    long getCommand();
    void setCommand(long v);
    long getVolatileCommand();
    boolean compareAndSwapCommand(long expected, long value);

    long getAck();
    void setAck(long v);
    long getVolatileAck();
    void setOrderedAck(long v);

    long getDone();
    void setDone(long v);
    long getVolatileDone();
    void setOrderedDone(long v);

    // Since issue 4: what a worker is doing right now, and pool-wide counters (control record only).

    long getBusySinceMillis();
    void setBusySinceMillis(long v);
    long getVolatileBusySinceMillis();
    void setOrderedBusySinceMillis(long v);

    long getClientHigh();
    void setClientHigh(long v);
    long getVolatileClientHigh();
    void setOrderedClientHigh(long v);

    long getClientLow();
    void setClientLow(long v);
    long getVolatileClientLow();
    void setOrderedClientLow(long v);

    int getClientPort();
    void setClientPort(int v);
    int getVolatileClientPort();
    void setOrderedClientPort(int v);

    long getMaxCalls();
    void setMaxCalls(long v);
    long getVolatileMaxCalls();
    void setOrderedMaxCalls(long v);

    int getPort();
    void setPort(int v);
    int getVolatilePort();
    void setOrderedPort(int v);

    long getMaxBusy();
    void setMaxBusy(long v);
    long getVolatileMaxBusy();
    void setOrderedMaxBusy(long v);

    long getMaxReached();
    void setMaxReached(long v);
    long getVolatileMaxReached();
    long addAtomicMaxReached(long delta);

    long getSlowRequests();
    void setSlowRequests(long v);
    long getVolatileSlowRequests();
    long addAtomicSlowRequests(long delta);

    long getTimeoutKills();
    void setTimeoutKills(long v);
    long getVolatileTimeoutKills();
    long addAtomicTimeoutKills(long delta);

    long getMaxQueue();
    void setMaxQueue(long v);
    long getVolatileMaxQueue();
    void setOrderedMaxQueue(long v);

    int getResult();
    void setResult(int v);
    int getVolatileResult();
    void setOrderedResult(int v);

    int getBacklog();
    void setBacklog(int v);
    int getVolatileBacklog();
    void setOrderedBacklog(int v);

    // Since issue 9 (control record only): connections the client reset.

    long getClientResets();
    void setClientResets(long v);
    long getVolatileClientResets();
    long addAtomicClientResets(long delta);

    // Since issue 10 (control record only): threads per worker, which sizes the thread records.

    int getThreads();
    void setThreads(int v);
    int getVolatileThreads();
    void setOrderedThreads(int v);

    // Since issue 13 (slot records): the worker's PSS in KiB as the supervisor last read it; 0: not read yet.

    long getPssKib();
    void setPssKib(long v);
    long getVolatilePssKib();
    void setOrderedPssKib(long v);

    // Since issue 12: the numbers behind the metrics that no other field keeps, placed by MetricSlots:
    // histogram buckets of request times in thread records and of boot times in slot records, worker
    // exits by cause and pool.min in the control record. Each entry has one writer (MetricSlots.add).

    @Array(length = MetricSlots.LENGTH)
    long getMetricAt(int index);
    void setMetricAt(int index, long v);
    long getVolatileMetricAt(int index);
    void setOrderedMetricAt(int index, long v);

    // Since issue 11 (control record only): the accept queue at the supervisor's last look (TCP_INFO).

    long getListenQueue();
    void setListenQueue(long v);
    long getVolatileListenQueue();
    void setOrderedListenQueue(long v);

    // Since issue 11 (slot records): how many of the worker's threads take new connections (the
    // supervisor's accept limit); the others stand by. Control record: the pool's limit, -1 for none.

    int getAcceptLimit();
    void setAcceptLimit(int v);
    int getVolatileAcceptLimit();
    void setOrderedAcceptLimit(int v);
}
