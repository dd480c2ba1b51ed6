package dm.daemon;

/**
 * Where the supervisor reads how busy the machine's CPU is, for the {@link AcceptLimit}. The loop's
 * unit tests set the figure by hand.
 */
interface CpuSource {
    /** The share of CPU time that was idle since the last call (0..1); 1 when it cannot tell, as if idle. */
    double idleShareSinceLastRead();

    /** A source that always says idle: the pool then never limits its threads. */
    CpuSource IDLE = () -> 1.0;
}
