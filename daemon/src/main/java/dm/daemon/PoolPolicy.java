package dm.daemon;

/**
 * How many workers to add or retire, from the counts of one tick: Apache prefork's spare-server
 * rule, or with several threads per worker its worker MPM's spare-thread rule. Keep at least
 * {@code minSpare} idle threads (starting ones count, so a slow JVM boot does not trigger a second
 * wave) by starting 1, 2, 4, ... whole workers on consecutive short ticks, up to
 * {@code maxSpawnRate}; retire one whole idle worker per tick while idle threads exceed
 * {@code maxSpare}, but only if {@code minSpare} idle threads remain without it (else the next tick
 * would start it again), and only once that surplus has lasted {@code retireAfterTicks} ticks in a
 * row (pool.shrink-delay-ms): short connections make the idle count of a single tick jump between
 * none and nearly all, and a pool that shrank at each high sample booted the workers again at the
 * next low one. Never go below {@code min} or above {@code max} workers. With one thread
 * per worker a thread is a worker and this is the prefork rule exactly. Pure logic, no clock: the
 * supervisor calls it once per tick.
 */
final class PoolPolicy {

    /** What to do this tick: start {@code spawn} workers, or retire one, or nothing. */
    record Decision(int spawn, boolean retireOne, boolean wantedMoreThanMax) {
        static final Decision NOTHING = new Decision(0, false, false);
    }

    private final int min;
    private final int max;
    private final int minSpare;
    private final int maxSpare;
    private final int maxSpawnRate;
    private final int threadsPerWorker;
    private final int retireAfterTicks;
    private int spawnRate = 1;
    private int surplusTicks;

    PoolPolicy(int min, int max, int minSpare, int maxSpare, int maxSpawnRate) {
        this(min, max, minSpare, maxSpare, maxSpawnRate, 1);
    }

    PoolPolicy(int min, int max, int minSpare, int maxSpare, int maxSpawnRate, int threadsPerWorker) {
        this(min, max, minSpare, maxSpare, maxSpawnRate, threadsPerWorker, 1);
    }

    /** @param retireAfterTicks ticks in a row with a surplus before the first retirement: 1 retires at once */
    PoolPolicy(int min, int max, int minSpare, int maxSpare, int maxSpawnRate, int threadsPerWorker,
            int retireAfterTicks) {
        this.threadsPerWorker = threadsPerWorker;
        this.retireAfterTicks = Math.max(1, retireAfterTicks);
        this.min = min;
        this.max = max;
        this.minSpare = minSpare;
        this.maxSpare = maxSpare;
        this.maxSpawnRate = maxSpawnRate;
    }

    /**
     * {@code live} counts every worker process and pending respawn; {@code idle} and {@code starting}
     * count threads (a starting worker brings worker.threads of them); {@code leaving} workers among them
     * already asked to leave (retired, or done with worker.max-requests): they still run, but the
     * pool.min floor of a retirement must not count them, or the pool would shrink below pool.min
     * whenever a retired worker takes longer than a tick to exit.
     */
    Decision decide(int live, int leaving, int idle, int starting) {
        if (live < min) {
            surplusTicks = 0;
            return new Decision(min - live, false, false);
        }
        if (idle + starting < minSpare) {
            surplusTicks = 0;
            if (live >= max) {
                // Worth a warning only when connections really wait: every worker busy.
                return new Decision(0, false, idle == 0 && starting == 0);
            }
            int spawn = Math.min(spawnRate, max - live);
            spawnRate = Math.min(spawnRate * 2, maxSpawnRate);
            return new Decision(spawn, false, false);
        }
        if (starting == 0) {
            spawnRate = 1; // demand met by workers that accept: the next shortage starts small again
        }
        if (idle > maxSpare && idle - threadsPerWorker >= minSpare && live - leaving > min) {
            surplusTicks++;
            if (surplusTicks >= retireAfterTicks) {
                return new Decision(0, true, false);
            }
            return Decision.NOTHING;
        }
        surplusTicks = 0;
        return Decision.NOTHING;
    }

    /** The ticks in a row with a surplus after which it has lasted {@code delayMillis}: the first of them counts 0. */
    static int ticksFor(int delayMillis, int tickMillis) {
        return 1 + (delayMillis + tickMillis - 1) / tickMillis;
    }
}
