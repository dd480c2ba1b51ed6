package dm.daemon;

/**
 * How many threads of the pool may take new connections, decided once per tick. Pure logic, no
 * clock: the supervisor feeds it one tick's figures.
 *
 * <p>Why a limit: a thread is busy from accept() to close, including the time it waits for its
 * client and for a core. Once the CPU is saturated, every thread that finishes takes the next
 * connection from the queue, so every thread of the pool is in flight: 64 short connections
 * sharing 2 cores across 8 JVMs cost about 1.5 times the CPU each of the same load on 8 threads of
 * one JVM, and the busy threads made the pool start more workers that only shared the same cores
 * (together 2 to 2.5 times, measured by hand). A C
 * prefork server of 8 children keeps the rest waiting in the kernel's listen queue, where waiting
 * costs nothing; so does this limit.
 *
 * <p>The rules, in order:
 * <ol>
 * <li>Connections wait longer than a tick (more are queued than were accepted during the last tick:
 * long connections hold every allowed thread, or the handler waits on something other than the
 * CPU): allow every busy thread plus one for each of them, at once.
 * <li>The CPU is saturated: half as many each tick, down to the threads held by long connections
 * plus {@code saturatedThreads} for the short ones.
 * <li>Nothing busy and the CPU not saturated for {@code liftAfterIdleTicks} ticks in a row: every thread.
 * <li>The CPU has room and every allowed thread is busy: allow one worker's threads more.
 * </ol>
 * At no limit (the start) every thread takes connections, as without it. The limit never goes
 * below 1 nor above the threads of the workers that accept.
 */
final class AcceptLimit {
    /** Below this share of idle CPU over a tick the CPU counts as saturated. */
    static final double SATURATED_BELOW_IDLE = 0.10;
    /** Above this share of idle CPU the limit may rise; in between it holds, so that it does not flap. */
    static final double ROOM_ABOVE_IDLE = 0.25;

    /** One tick's figures; thread counts are those of the workers that accept. */
    record Tick(int threads, int busy, int held, long queued, long accepted, double idleCpu) {
    }

    private final int saturatedThreads;
    private final int threadsPerWorker;
    private final int liftAfterIdleTicks;
    /** Integer.MAX_VALUE: no limit. */
    private int limit = Integer.MAX_VALUE;
    private int idleTicks;

    /** @param liftAfterIdleTicks ticks in a row with nothing busy on a CPU not saturated after which every thread may accept */
    AcceptLimit(int saturatedThreads, int threadsPerWorker, int liftAfterIdleTicks) {
        this.saturatedThreads = Math.max(1, saturatedThreads);
        this.threadsPerWorker = threadsPerWorker;
        this.liftAfterIdleTicks = Math.max(1, liftAfterIdleTicks);
    }

    /** The threads allowed to take new connections after this tick: at least 1, at most {@code tick.threads()} (every one). */
    int next(Tick tick) {
        idleTicks = tick.busy() == 0 && tick.idleCpu() >= SATURATED_BELOW_IDLE ? idleTicks + 1 : 0;
        if (tick.queued() > tick.accepted()) {
            limit = saturatingAdd(Math.max(Math.min(limit, tick.threads()), tick.busy()), tick.queued());
        } else if (tick.idleCpu() < SATURATED_BELOW_IDLE) {
            // Half per tick, not at once: connections a little shorter than a tick (slow clients) do
            // not count as held, and a limit that fell at once would starve them every other tick.
            int from = Math.min(limit, tick.threads());
            limit = Math.max(tick.held() + saturatedThreads, from - Math.max(1, from / 2));
        } else if (idleTicks >= liftAfterIdleTicks) {
            // Not at the first idle tick: the next burst of short connections would find every thread
            // taking connections again and the pool starting workers for them (pool.shrink-delay-ms).
            limit = Integer.MAX_VALUE;
        } else if (tick.idleCpu() > ROOM_ABOVE_IDLE && limit < tick.threads() && tick.busy() >= limit) {
            limit += threadsPerWorker;
        }
        if (limit >= tick.threads()) {
            limit = Integer.MAX_VALUE;
        }
        return limited() ? Math.max(1, limit) : tick.threads();
    }

    /** Whether the last tick left some threads standing by (when the pool has more than it allows). */
    boolean limited() {
        return limit != Integer.MAX_VALUE;
    }

    private static int saturatingAdd(int a, long b) {
        return (int) Math.min(Integer.MAX_VALUE, a + b);
    }
}
