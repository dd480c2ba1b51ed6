package dm.scoreboard;

/**
 * The control record: the supervisor's pid and status, plus the command channel of dm-ctl.
 *
 * <p>dm-ctl submits a command by compare-and-swap of one long that packs a sequence number and
 * the requested status, so two dm-ctl runs at once never lose each other's sequence. The
 * supervisor records the last sequence it took up ({@link #acknowledged()}) and the last one it
 * finished ({@link #completed()}), which is how dm-ctl knows a command was carried out.
 */
public final class Control {

    /** A command as dm-ctl wrote it. */
    public record Command(long sequence, ParentStatus requested) {
    }

    private final SlotValue value;
    /** Keeps the mapped memory {@link #value} points into from being unmapped (see {@link Slot}). */
    @SuppressWarnings("unused")
    private final Scoreboard owner;

    Control(SlotValue value, Scoreboard owner) {
        this.value = value;
        this.owner = owner;
    }

    SlotValue value() {
        return value;
    }

    public long supervisorPid() {
        return value.getVolatilePid();
    }

    public long startedMillis() {
        return value.getVolatileStartedMillis();
    }

    public ParentStatus status() {
        return ParentStatus.of(value.getVolatileState());
    }

    /** Supervisor: announces itself on a fresh scoreboard. */
    public void announce(long pid, long startedMillis) {
        value.setOrderedStartedMillis(startedMillis);
        value.setOrderedPid(pid);
        value.setOrderedListenQueue(-1);
        value.setOrderedAcceptLimit(-1);
        value.setOrderedState(ParentStatus.NORMAL.ordinal());
    }

    public void setStatus(ParentStatus status) {
        value.setOrderedState(status.ordinal());
    }

    /** dm-ctl: asks the supervisor for {@code requested}; returns the command's sequence number. */
    public long submit(ParentStatus requested) {
        while (true) {
            long current = value.getVolatileCommand();
            long sequence = (current >>> 8) + 1;
            if (value.compareAndSwapCommand(current, (sequence << 8) | requested.ordinal())) {
                return sequence;
            }
        }
    }

    /** The most recent command dm-ctl wrote (sequence 0: none yet). */
    public Command latestCommand() {
        long raw = value.getVolatileCommand();
        return new Command(raw >>> 8, ParentStatus.of((int) (raw & 0xff)));
    }

    /** The port the daemon listens on (the real one when server.port is 0 or the socket was inherited). */
    public int port() {
        return value.getVolatilePort();
    }

    public void setPort(int port) {
        value.setOrderedPort(port);
    }

    /**
     * The listen backlog: the one the daemon asked for, or for an inherited socket (systemd's) the
     * one the kernel reports; -1 until the supervisor has read it.
     */
    public int backlog() {
        return value.getVolatileBacklog();
    }

    public void setBacklog(int backlog) {
        value.setOrderedBacklog(backlog);
    }

    /** Longest accept queue the supervisor has seen since start. */
    public long maxListenQueue() {
        return value.getVolatileMaxQueue();
    }

    /** Connections waiting to be accepted at the supervisor's last look (every tick); -1 until it looked. */
    public long listenQueue() {
        return value.getVolatileListenQueue();
    }

    /** Supervisor: the accept queue now (from TCP_INFO); keeps the longest seen too. */
    public void recordListenQueue(long length) {
        value.setOrderedListenQueue(length);
        if (length > value.getVolatileMaxQueue()) {
            value.setOrderedMaxQueue(length);
        }
    }

    /**
     * How many threads of the pool take new connections while the CPU is saturated (the others
     * stand by); -1 while every thread does.
     */
    public int acceptLimit() {
        return value.getVolatileAcceptLimit();
    }

    /** Supervisor: the pool's accept limit now, -1 for none. */
    public void recordAcceptLimit(int threads) {
        if (value.getVolatileAcceptLimit() != threads) {
            value.setOrderedAcceptLimit(threads);
        }
    }

    /** Connections accepted by every worker since the daemon started. */
    public long accepted() {
        return value.getVolatileCalls();
    }

    /** Worker: counts one accepted connection. */
    public void countAccepted() {
        value.addAtomicCalls(1);
    }

    /** Most workers busy at once since start. */
    public long maxBusy() {
        return value.getVolatileMaxBusy();
    }

    public void recordBusy(long busy) {
        if (busy > value.getVolatileMaxBusy()) {
            value.setOrderedMaxBusy(busy);
        }
    }

    /** How often the pool needed to grow but was at pool.max. */
    public long maxReached() {
        return value.getVolatileMaxReached();
    }

    public void countMaxReached() {
        value.addAtomicMaxReached(1);
    }

    /** Connections that ran longer than worker.slow-request-ms. */
    public long slowRequests() {
        return value.getVolatileSlowRequests();
    }

    public void countSlowRequest() {
        value.addAtomicSlowRequests(1);
    }

    /** Connections the client reset (RST) while a worker served them. */
    public long clientResets() {
        return value.getVolatileClientResets();
    }

    /** Worker: counts one connection reset by its client. */
    public void countClientReset() {
        value.addAtomicClientResets(1);
    }

    /** Workers killed because a graceful timeout or worker.request-timeout-ms ran out. */
    public long timeoutKills() {
        return value.getVolatileTimeoutKills();
    }

    public void countTimeoutKill() {
        value.addAtomicTimeoutKills(1);
    }

    /** Supervisor, its loop only (the one writer): it reaped a worker that exited for {@code cause}. */
    public void countExit(WorkerExitCause cause) {
        MetricSlots.add(value, MetricSlots.EXITS + cause.ordinal(), 1);
    }

    /** Workers that exited for {@code cause} since start. */
    public long exits(WorkerExitCause cause) {
        return value.getVolatileMetricAt(MetricSlots.EXITS + cause.ordinal());
    }

    /** pool.min of the configuration the pool runs now (0 before the supervisor said). */
    public int poolMin() {
        return (int) value.getVolatileMetricAt(MetricSlots.POOL_MIN);
    }

    /** Supervisor, its loop only. */
    public void setPoolMin(int poolMin) {
        value.setOrderedMetricAt(MetricSlots.POOL_MIN, poolMin);
    }

    public void acknowledge(long sequence) {
        value.setOrderedAck(sequence);
    }

    public long acknowledged() {
        return value.getVolatileAck();
    }

    /** How the last completed command ended. */
    public enum Result {
        /** Carried out. */
        DONE,
        /** A restart refused: the configuration file is invalid; the workers run as they were. */
        INVALID_CONFIGURATION,
        /** A restart abandoned: workers of the new configuration cannot boot; the previous one is back. */
        WORKERS_CANNOT_BOOT
    }

    /** Supervisor: the command {@code sequence} has ended with {@code result}. */
    public void complete(long sequence, Result result) {
        value.setOrderedResult(result.ordinal());
        value.setOrderedDone(sequence);
    }

    public Result lastResult() {
        Result[] all = Result.values();
        int code = value.getVolatileResult();
        return code >= 0 && code < all.length ? all[code] : Result.DONE;
    }

    public long completed() {
        return value.getVolatileDone();
    }
}
