package dm.worker;

import java.util.concurrent.locks.LockSupport;

/**
 * Starts JNA on a thread of its own as the worker boots, and keeps that thread for the worker's
 * life as the holder of the parent-death signal ({@link ParentProcess#dieWith}).
 *
 * <p>JNA's start (its library, its logging, its checks) took about a third of a worker's boot; on
 * this thread it runs beside the main thread's work (configuration, scoreboard, handler) on another
 * core, and the main thread, at its first native call, waits only for what is left of it (the JVM
 * lets one thread initialise a class and makes the others wait). The kernel keeps the death signal
 * per thread and drops it when that thread exits, so the thread that asks for it must outlive
 * everything else: this one parks until the process ends. Asked for early, the signal also covers a
 * worker whose handler never finishes starting: it would otherwise keep the port open, orphaned.
 */
final class NativeWarmUp {
    private NativeWarmUp() {
    }

    static void start(long supervisorPid) {
        Thread thread = new Thread(new Start(supervisorPid), "native-start");
        thread.setDaemon(true);
        thread.start();
    }

    /** A class, not a lambda: a lambda that captures a long made the JVM generate method-handle classes at boot. */
    private static final class Start implements Runnable {
        private final long supervisorPid;

        Start(long supervisorPid) {
            this.supervisorPid = supervisorPid;
        }

        @Override
        public void run() {
            NativeWarmUp.run(supervisorPid);
        }
    }

    private static void run(long supervisorPid) {
        ParentProcess.dieWith(supervisorPid);
        try {
            // ParentProcess has bound the C library's calls (Libc); this looks up the JDK's channel constructor.
            Class.forName("dm.worker.JdkChannels", true, NativeWarmUp.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            // the main thread meets the same, and does without (the worker's log says how)
        }
        while (true) {
            LockSupport.park();
        }
    }
}
