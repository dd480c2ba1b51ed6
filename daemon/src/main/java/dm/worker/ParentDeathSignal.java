package dm.worker;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;

import dm.ExitCodes;

/**
 * Asks the kernel to SIGKILL this worker the moment the supervisor dies, so that an orphan never
 * keeps the port accepting connections nobody supervises. The watchdog thread also notices a dead
 * supervisor, but only at its next look (up to 100 ms later) and only once the worker has booted;
 * the kernel's signal is immediate and covers a worker still booting.
 */
final class ParentDeathSignal {
    private static final int PR_SET_PDEATHSIG = 1;
    private static final int SIGKILL = 9;

    interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        int prctl(int option, long arg2, long arg3, long arg4, long arg5) throws LastErrorException;
    }

    private ParentDeathSignal() {
    }

    /**
     * Arms the signal, then checks the parent is still the supervisor: had it died before prctl,
     * no signal would ever come (we would already be a child of init).
     */
    static void armFor(long supervisorPid) {
        try {
            LibC.INSTANCE.prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        } catch (LastErrorException | UnsatisfiedLinkError e) {
            // not Linux, or no libc to call: the watchdog still ends an orphan, only later
        }
        if (ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) != supervisorPid) {
            Runtime.getRuntime().halt(ExitCodes.WORKER_ORPHANED);
        }
    }
}
