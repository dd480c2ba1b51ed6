package dm.daemon;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;

/** Signals the JDK cannot send: it has SIGTERM and SIGKILL (Process.destroy), not SIGQUIT or SIGWINCH. */
final class ProcessSignals {
    static final int SIGQUIT = 3;
    /** Ignored by a process that has no handler for it: a worker still booting is not harmed. */
    static final int SIGWINCH = 28;

    private interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        int kill(int pid, int signal) throws LastErrorException;
    }

    private ProcessSignals() {
    }

    /**
     * Sends {@code signal} to a child that {@code process} says is alive: the JDK reaps a child as soon
     * as it exits, so a pid it still reports alive has not been handed to another process. A child that
     * exits in between (ESRCH) is no error: its exit is on its way to the loop.
     */
    static void send(Process process, int signal) {
        if (!process.isAlive()) {
            return;
        }
        try {
            LibC.INSTANCE.kill((int) process.pid(), signal);
        } catch (LastErrorException e) {
            // ESRCH: it has just exited
        }
    }
}
