package dm.daemon;

/**
 * Back-off for a slot whose workers keep dying soon after they start: 100 ms, doubling up to a
 * cap; a worker that lived long enough resets it. Without it a broken worker would be respawned
 * as fast as the JVM can start, eating both cores.
 */
final class RestartBackoff {
    static final long FIRST_MILLIS = 100;

    private final long minUptimeMillis;
    private final long maxMillis;
    private long currentMillis;

    RestartBackoff(long minUptimeMillis, long maxMillis) {
        this.minUptimeMillis = minUptimeMillis;
        this.maxMillis = maxMillis;
    }

    /** A worker of this slot died unasked after {@code uptimeMillis}: how long to wait before the next. */
    long afterDeath(long uptimeMillis) {
        if (uptimeMillis >= minUptimeMillis || maxMillis == 0) {
            currentMillis = 0;
        } else {
            currentMillis = currentMillis == 0 ? FIRST_MILLIS : Math.min(currentMillis * 2, maxMillis);
            currentMillis = Math.min(currentMillis, maxMillis);
        }
        return currentMillis;
    }
}
