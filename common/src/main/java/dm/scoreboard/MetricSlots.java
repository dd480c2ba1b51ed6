package dm.scoreboard;

/**
 * Where each number of a record's metric array ({@link SlotValue#getMetricAt}) lives. One array, so
 * that a new number costs an index here rather than a new field in every record.
 *
 * <p>Each entry has exactly one writer: in a thread record that thread of the worker in the slot, in a
 * slot record the worker's boot (there is never more than one worker in a slot at a time: a
 * replacement is started once its predecessor has been reaped, or in another slot), in the control
 * record the supervisor's loop. So an add is a volatile read and an
 * ordered write, no lock and no atomic instruction (Chronicle Values has none for array elements),
 * and a process killed halfway leaves at worst its last observation uncounted.
 */
final class MetricSlots {
    // Thread records (request durations) and slot records (boot times), each at its own place.
    /** Request durations: {@link Histogram#REQUEST_SECONDS}'s buckets, then its sum. */
    static final int REQUESTS = 0;
    /** Worker boot times: {@link Histogram#BOOT_SECONDS}'s buckets, then its sum. */
    static final int BOOTS = REQUESTS + Histogram.REQUEST_SECONDS.width();
    static final int USED_IN_SLOTS = BOOTS + Histogram.BOOT_SECONDS.width();

    // The control record.
    /** Worker exits, one counter per {@link WorkerExitCause}. */
    static final int EXITS = 0;
    /** pool.min of the configuration the pool runs now (a restart may change it). */
    static final int POOL_MIN = EXITS + 8;
    static final int USED_IN_CONTROL = POOL_MIN + 1;

    /** The array's length: a compile-time constant for Chronicle's annotation; MetricCountersTest checks that the entries fit. */
    static final int LENGTH = 32;

    private MetricSlots() {
    }

    /** The one writer of entry {@code index} adds {@code delta} to it. */
    static void add(SlotValue value, int index, long delta) {
        value.setOrderedMetricAt(index, value.getVolatileMetricAt(index) + delta);
    }
}
