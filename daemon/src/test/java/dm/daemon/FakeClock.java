package dm.daemon;

/** A clock that moves only when the test says so. */
final class FakeClock implements Clock {
    private long nanos = 1_000_000_000L;
    private long millis = 1_700_000_000_000L;

    @Override
    public long nanoTime() {
        return nanos;
    }

    @Override
    public long currentTimeMillis() {
        return millis;
    }

    void advanceMillis(long delta) {
        nanos += delta * 1_000_000L;
        millis += delta;
    }
}
