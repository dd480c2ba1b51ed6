package dm.daemon;

/** A {@link CpuSource} a test sets by hand: idle until told otherwise. */
final class FakeCpu implements CpuSource {
    volatile double idleShare = 1.0;

    @Override
    public double idleShareSinceLastRead() {
        return idleShare;
    }
}
