package dm.daemon;

import java.util.OptionalLong;

/** Where the supervisor reads a worker's memory; the loop's unit tests put pretend figures here. */
interface PssSource {
    /** The process's PSS in KiB; empty when it cannot be read (the process is gone, no smaps_rollup). */
    OptionalLong pssKib(long pid);
}
