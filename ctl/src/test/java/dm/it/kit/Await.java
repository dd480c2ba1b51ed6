package dm.it.kit;

import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits on a condition with a deadline, polling; never sleep-and-hope. */
public final class Await {
    private static final long POLL_MILLIS = 25;

    private Await() {
    }

    /** Polls {@code condition} every 25 ms until it holds; fails with {@code description} when {@code timeout} runs out. */
    public static void until(Duration timeout, BooleanSupplier condition, String description) {
        value(timeout, () -> condition.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty(), description);
    }

    /** Polls until {@code probe} yields a value, and returns it. */
    public static <T> T value(Duration timeout, Supplier<Optional<T>> probe, String description) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (true) {
            Optional<T> result = probe.get();
            if (result.isPresent()) {
                return result.get();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for: " + description);
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for: " + description, e);
            }
        }
    }
}
