package dm.daemon;

import dm.net.ListenQueue;
import dm.scoreboard.Control;

/** Reads the accept queue about once a second for the "max listen queue" of dm-ctl status. */
final class ListenQueueSampler {
    private static final long INTERVAL_NANOS = 1_000_000_000L;

    private final Control control;
    private final Clock clock;
    private long lastSampleNanos;

    ListenQueueSampler(Control control, Clock clock) {
        this.control = control;
        this.clock = clock;
        this.lastSampleNanos = clock.nanoTime();
    }

    void sample() {
        long now = clock.nanoTime();
        if (now - lastSampleNanos < INTERVAL_NANOS) {
            return;
        }
        lastSampleNanos = now;
        control.recordListenQueue(ListenQueue.length(control.port()));
    }
}
