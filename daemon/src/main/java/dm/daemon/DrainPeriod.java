package dm.daemon;

import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drain before a wait-down: with an agent endpoint, -wdown first reports drain for
 * agent.drain-ms while the pool serves on, so that load balancers stop sending before the workers
 * stop accepting. Only the supervisor's loop uses it.
 */
final class DrainPeriod {
    private static final Logger log = LoggerFactory.getLogger("supervisor");

    private final Clock clock;
    /** When the workers are to stop accepting; null when no drain runs. */
    private Long endsNanos;

    DrainPeriod(Clock clock) {
        this.clock = clock;
    }

    /** Starts a drain of {@code millis}; with none to wait for (0: no agent endpoint) runs {@code stopAccepting} now. */
    void begin(int millis, Runnable stopAccepting) {
        if (millis == 0) {
            stopAccepting.run();
            return;
        }
        log.info("wait-down: the agent endpoint says drain; the workers stop accepting in {} ms", millis);
        endsNanos = clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /** Each tick while the daemon waits down: {@code serve} during the drain, {@code stopAccepting} once, when it is over. */
    void tick(Runnable serve, Runnable stopAccepting) {
        if (endsNanos == null) {
            return;
        }
        if (clock.nanoTime() - endsNanos >= 0) {
            endsNanos = null;
            stopAccepting.run();
        } else {
            serve.run();
        }
    }

    boolean active() {
        return endsNanos != null;
    }
}
