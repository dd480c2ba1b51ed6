package dm.daemon;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Where the supervisor reads its workers' memory. A read can take tens of milliseconds per worker
 * on a loaded machine (the kernel walks the page tables of a JVM), so the loop does not wait: the
 * figures come back to it as an event. The loop's unit tests read pretend figures on the spot.
 */
interface PssSource {
    /** Reads the PSS of each of {@code pids} and calls {@code done} with pid to KiB (pids it cannot read left out), on any thread. */
    void read(List<Long> pids, Consumer<Map<Long, Long>> done);
}
