package dm.scoreboard;

/**
 * One worker process's record, like Apache's {@code process_score}: the supervisor writes pid,
 * start time and the shutdown request; the worker its lifecycle state and the process-wide call
 * count (worker.max-requests). What each of its threads does is in its {@link ThreadSlot}s.
 * Lock-free throughout.
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
    private final ThreadSlot[] threads;

    Slot(int index, SlotValue value, ThreadSlot[] threads, Scoreboard owner) {
        this.index = index;
        this.value = value;
        this.threads = threads;
        this.owner = owner;
    }

    SlotValue value() {
        return value;
    }

    /** worker.threads: how many thread records this worker has. */
    public int threadCount() {
        return threads.length;
    }

    public ThreadSlot thread(int index) {
        return threads[index];
    }

    public int index() {
        return index;
    }

    public long pid() {
        return value.getVolatilePid();
    }

    /**
     * The worker as a whole: BUSY while any of its threads serves a connection, else what the
     * worker last wrote (STARTING, IDLE once its threads accept, EXITING once it accepts nothing
     * more). With one thread this is the one thread's state, as before threads existed.
     */
    public WorkerState state() {
        WorkerState lifecycle = lifecycle();
        if ((lifecycle == WorkerState.IDLE || lifecycle == WorkerState.EXITING) && busyThreads() > 0) {
            return WorkerState.BUSY;
        }
        return lifecycle;
    }

    /** What the worker process last wrote about itself, whatever its threads do. */
    public WorkerState lifecycle() {
        return WorkerState.of(value.getVolatileState());
    }

    /** Threads serving a connection now. */
    public int busyThreads() {
        int busy = 0;
        for (ThreadSlot thread : threads) {
            if (thread.state() == WorkerState.BUSY) {
                busy++;
            }
        }
        return busy;
    }

    /** Threads blocked in accept() now. */
    public int idleThreads() {
        int idle = 0;
        for (ThreadSlot thread : threads) {
            if (thread.state() == WorkerState.IDLE) {
                idle++;
            }
        }
        return idle;
    }

    /** The thread busy the longest, or null when none is busy. */
    public ThreadSlot longestBusy() {
        ThreadSlot longest = null;
        for (ThreadSlot thread : threads) {
            long since = thread.busySinceMillis();
            if (thread.state() == WorkerState.BUSY && since > 0
                    && (longest == null || since < longest.busySinceMillis())) {
                longest = thread;
            }
        }
        return longest;
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

    /**
     * How many of this worker's threads take new connections: those with an index below it. The
     * others stand by, idle, until the supervisor raises it (it lowers it while the CPU is
     * saturated: see the daemon's AcceptLimit).
     */
    public int acceptLimit() {
        return value.getVolatileAcceptLimit();
    }

    /** Supervisor: lets the first {@code threads} threads of this worker take new connections. */
    public void limitAccepting(int threads) {
        if (value.getVolatileAcceptLimit() != threads) {
            value.setOrderedAcceptLimit(threads);
        }
    }

    /** Supervisor: a fresh worker is about to be spawned into this slot. */
    public void prepare(long startedMillis, long maxCalls) {
        value.setOrderedRequest(ShutdownRequest.NORMAL.ordinal());
        value.setOrderedAcceptLimit(threads.length);
        value.setOrderedPid(0);
        value.setCalls(0);
        value.setOrderedMaxCalls(maxCalls);
        value.setOrderedPssKib(0);
        for (ThreadSlot thread : threads) {
            thread.reset(WorkerState.STARTING);
        }
        value.setOrderedStartedMillis(startedMillis);
        value.setOrderedState(WorkerState.STARTING.ordinal());
    }

    /** Worker: it accepts, {@code millis} after its JVM started. */
    public void observeBoot(long millis) {
        Histogram.BOOT_SECONDS.observe(value, millis);
    }

    /** Boot times of every worker this slot has had since the daemon started. */
    public Histogram.Reading bootDurations() {
        return Histogram.BOOT_SECONDS.read(value);
    }

    /** Supervisor or worker: records the worker's pid. */
    public void setPid(long pid) {
        value.setOrderedPid(pid);
    }

    /** Supervisor: the worker in this slot is gone. */
    public void clear() {
        value.setOrderedPid(0);
        value.setOrderedPssKib(0);
        for (ThreadSlot thread : threads) {
            thread.reset(WorkerState.EMPTY);
        }
        value.setOrderedState(WorkerState.EMPTY.ordinal());
        value.setOrderedRequest(ShutdownRequest.NORMAL.ordinal());
    }

    public void request(ShutdownRequest request) {
        value.setOrderedRequest(request.ordinal());
    }

    /** Worker: its lifecycle (STARTING, IDLE: its threads accept, EXITING); the threads write their own. */
    public void setState(WorkerState state) {
        value.setOrderedState(state.ordinal());
    }

}
