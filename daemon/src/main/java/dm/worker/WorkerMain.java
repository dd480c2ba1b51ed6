package dm.worker;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

import dm.ExitCodes;
import dm.logging.ProcessIdentity;

/**
 * Entry point of a worker JVM: {@code WorkerMain CONFIG_SNAPSHOT SLOT SUPERVISOR_PID}. Started only
 * by the supervisor, with the listening socket on fd 0, a pipe to the supervisor on fds 1 and 2, and
 * the configuration the supervisor validated (see dm.config.ConfigSnapshot).
 */
public final class WorkerMain {

    private WorkerMain() {
    }

    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: WorkerMain CONFIG_SNAPSHOT SLOT SUPERVISOR_PID (started by dm-daemon, not by hand)");
            System.exit(ExitCodes.WORKER_BOOT_FAILED);
        }
        int slot = Integer.parseInt(args[1]);
        long supervisorPid = Long.parseLong(args[2]);
        NativeWarmUp.start(supervisorPid);
        keepOwnCopiesOfStdoutAndStderr();
        ProcessIdentity.set("slot " + slot);
        haltOnTerm();
        int exitCode = new Worker(Path.of(args[0]), slot, supervisorPid).run();
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(exitCode);
    }

    /**
     * A worker leaves by halt, never through shutdown hooks: Chronicle's hook unmaps the
     * scoreboard, and the watchdog thread reading its slot at that moment would crash the JVM
     * (seen: SIGSEGV in readVolatileInt). SIGTERM from outside ends the worker the same way.
     */
    private static void haltOnTerm() {
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> Runtime.getRuntime().halt(128 + 15));
    }

    /**
     * When the worker closes its inherited listening channel to stop accepting, the JDK points
     * fds 0, 1 AND 2 at /dev/null. Writing through fresh descriptors of the same pipe keeps the
     * worker's last log lines.
     */
    private static void keepOwnCopiesOfStdoutAndStderr() {
        try {
            System.setOut(new PrintStream(new FileOutputStream("/proc/self/fd/1", true), true));
            System.setErr(new PrintStream(new FileOutputStream("/proc/self/fd/2", true), true));
        } catch (IOException | SecurityException e) {
            // not a pipe or a file (a socket, for instance): lines after the close are lost, nothing else
        }
    }
}
