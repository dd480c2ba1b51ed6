package dm.scoreboard;

import java.util.Arrays;

/**
 * A histogram with fixed buckets kept in scoreboard records (request times in each thread record,
 * boot times in each slot record): the one writer of the record adds each observation to its bucket
 * and to the sum, in place, on the record it bound once (see {@link MetricSlots#add}: no lock); the
 * counts stay when the next worker takes the slot over. Readers (the supervisor's metrics endpoint,
 * dm-ctl) add up the records and the buckets.
 */
public final class Histogram {
    /** Connection durations, from accept to close, in seconds; the sum is kept in microseconds. */
    public static final Histogram REQUEST_SECONDS = new Histogram(0, 1e-6,
            0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300);
    /** Worker boot times, from the JVM's start to accepting, in seconds; the sum is kept in milliseconds. */
    public static final Histogram BOOT_SECONDS = new Histogram(REQUEST_SECONDS.width(), 1e-3,
            0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30);

    private final int first;
    private final double unit;
    private final double[] upperBounds;

    private Histogram(int first, double unit, double... upperBounds) {
        this.first = first;
        this.unit = unit;
        this.upperBounds = upperBounds;
    }

    /** Array entries it takes: one per bucket (the last one +Inf), then the sum. */
    int width() {
        return upperBounds.length + 2;
    }

    /** Adds one observation of {@code amount} units (microseconds, milliseconds: see the constants). */
    void observe(SlotValue value, long amount) {
        long clamped = Math.max(0, amount);
        MetricSlots.add(value, first + bucket(clamped * unit), 1);
        MetricSlots.add(value, first + upperBounds.length + 1, clamped);
    }

    /** The bucket whose upper bound is the first that {@code seconds} does not exceed (Prometheus' le). */
    int bucket(double seconds) {
        for (int i = 0; i < upperBounds.length; i++) {
            if (seconds <= upperBounds[i]) {
                return i;
            }
        }
        return upperBounds.length;
    }

    /** Nothing observed: where a sum over slots starts. */
    public Reading empty() {
        return new Reading(upperBounds.clone(), new long[upperBounds.length + 1], 0);
    }

    Reading read(SlotValue value) {
        long[] counts = new long[upperBounds.length + 1];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = value.getVolatileMetricAt(first + i);
        }
        return new Reading(upperBounds.clone(), counts, value.getVolatileMetricAt(first + upperBounds.length + 1) * unit);
    }

    /**
     * A histogram as read: {@code counts[i]} observations fell in bucket i alone (not cumulative),
     * whose upper bound is {@code upperBounds[i]}; the last count is the +Inf bucket's. {@code sum} in seconds.
     */
    public record Reading(double[] upperBounds, long[] counts, double sum) {
        public long count() {
            return Arrays.stream(counts).sum();
        }

        /** This and {@code other} together (the same histogram in another slot). */
        public Reading plus(Reading other) {
            long[] both = counts.clone();
            for (int i = 0; i < both.length; i++) {
                both[i] += other.counts[i];
            }
            return new Reading(upperBounds, both, sum + other.sum);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Reading r && Arrays.equals(upperBounds, r.upperBounds)
                    && Arrays.equals(counts, r.counts) && sum == r.sum;
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(upperBounds) + Arrays.hashCode(counts);
        }

        @Override
        public String toString() {
            return "Reading" + Arrays.toString(counts) + " sum " + sum;
        }
    }
}
