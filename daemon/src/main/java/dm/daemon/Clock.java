package dm.daemon;

/**
 * The supervisor's sense of time. Every timing rule (ticks, back-off, timeouts) reads this, so a
 * unit test can drive the loop with a clock it moves by hand.
 */
interface Clock {
    /** Monotonic, for intervals. */
    long nanoTime();

    /** Wall clock, to compare with the times workers write into the scoreboard. */
    long currentTimeMillis();

    Clock SYSTEM = new Clock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public long currentTimeMillis() {
            return System.currentTimeMillis();
        }
    };
}
