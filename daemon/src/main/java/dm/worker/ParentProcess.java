package dm.worker;

import dm.ExitCodes;

/**
 * The worker's parent, the supervisor, through two system calls by JNA's direct mapping (one call
 * costs a few microseconds; ProcessHandle.current().parent() reads /proc twice and allocates, about
 * 200 us a look, which was most of an idle worker's CPU at the watchdog's ten looks a second).
 */
final class ParentProcess {
    private ParentProcess() {
    }

    /**
     * Asks the kernel to SIGKILL this worker the moment the supervisor dies, so that an orphan never
     * keeps the port accepting connections nobody supervises. The watchdog also notices a dead
     * supervisor, but only at its next look; the kernel's signal is immediate. Then checks the
     * parent is still the supervisor: had it died before prctl, no signal would ever come.
     * The kernel keeps the death signal per thread, and a thread that exits takes its signal with
     * it: call this from a thread that lives as long as the worker ({@link NativeWarmUp}).
     */
    static void dieWith(long supervisorPid) {
        if (Libc.AVAILABLE) {
            Libc.prctl(Libc.PR_SET_PDEATHSIG, Libc.SIGKILL, 0, 0, 0); // -1 only on a kernel without it: the watchdog remains
        }
        if (!is(supervisorPid)) {
            Runtime.getRuntime().halt(ExitCodes.WORKER_ORPHANED);
        }
    }

    /** Our parent is the supervisor until it dies; then the kernel re-parents us. */
    static boolean is(long pid) {
        // Without JNA ProcessHandle answers the same, only dearer (and there is no death signal).
        long parent = Libc.AVAILABLE ? Libc.getppid() : ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
        return parent == pid;
    }
}
