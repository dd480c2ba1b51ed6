package dm.scoreboard;

/**
 * The off-heap layout of one scoreboard record, shared by every process through the Chronicle Map.
 * Chronicle Values implements it over the mapped memory; the implementation is generated at build
 * time (see the common module's pom) so that no process runs javac.
 *
 * <p>Slot records and the control record share this layout; {@link Slot} and {@link Control} give
 * the fields their meaning. Steady-state access is lock-free: volatile reads, ordered writes,
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
}
