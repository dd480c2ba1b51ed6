package dm.it.kit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** The processes the tests start: found by their command line, killed by pid, waited for until they are gone. */
public final class Processes {
    private Processes() {
    }

    /**
     * Alive and not a zombie. A worker orphaned by its supervisor's death is re-parented to pid 1;
     * once it exits it stays a zombie (no memory, no sockets, no CPU) until pid 1 reaps it, which on
     * some machines takes over a second, and ProcessHandle.isAlive() is true for zombies.
     */
    public static boolean running(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return process.isAlive();
        }
    }

    /** The arguments the process was started with, joined by spaces; empty once it is gone (or a zombie). */
    public static String commandLine(ProcessHandle process) {
        return commandLine(process.pid());
    }

    private static String commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    /** A supervisor (of dm-daemon, or of jsvc, whose controller has the same command line) or a worker. */
    public static boolean isDmJvm(ProcessHandle process) {
        String commandLine = commandLine(process);
        return commandLine.contains("dm.daemon.DaemonMain") || commandLine.contains("dm.daemon.JsvcDaemon")
                || isWorker(commandLine);
    }

    public static boolean isWorker(ProcessHandle process) {
        return isWorker(commandLine(process));
    }

    private static boolean isWorker(String commandLine) {
        return commandLine.contains("dm.worker.WorkerMain");
    }

    /**
     * Every running process but this JVM whose command line contains {@code path} (a test directory, a
     * configuration). Tests poll this: it reads one file per process, /proc/PID/cmdline, and looks
     * closer only at the processes that match.
     */
    public static List<ProcessHandle> mentioning(Path path) {
        String marker = path.toAbsolutePath().toString();
        long self = ProcessHandle.current().pid();
        List<ProcessHandle> found = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path entry : entries) {
                long pid = Long.parseLong(entry.getFileName().toString());
                if (pid != self && commandLine(pid).contains(marker)) {
                    ProcessHandle.of(pid).filter(Processes::running).ifPresent(found::add);
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot list /proc", e);
        }
        return found;
    }

    /** The supervisor and worker JVMs among {@link #mentioning}. */
    public static List<ProcessHandle> dmJvmsMentioning(Path path) {
        return mentioning(path).stream().filter(Processes::isDmJvm).collect(Collectors.toList());
    }

    /**
     * Live dm JVMs of a test: those whose command line names one of {@code testDirectories}, whether
     * still children of a daemon or orphans re-parented to init after their supervisor died. (Not
     * every descendant of this JVM: other test classes run at the same time.)
     */
    public static List<ProcessHandle> leftovers(Collection<Path> testDirectories) {
        List<String> markers = testDirectories.stream().map(d -> d.toAbsolutePath().toString()).collect(Collectors.toList());
        return running(p -> isDmJvm(p) && markers.stream().anyMatch(commandLine(p)::contains));
    }

    /** Live dm JVMs started by this test JVM (its descendants), whatever test started them. */
    public static List<ProcessHandle> dmJvmDescendants() {
        Set<Long> descendants = ProcessHandle.current().descendants().map(ProcessHandle::pid).collect(Collectors.toSet());
        return running(p -> descendants.contains(p.pid()) && isDmJvm(p));
    }

    private static List<ProcessHandle> running(Predicate<ProcessHandle> which) {
        long self = ProcessHandle.current().pid();
        List<ProcessHandle> found = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(p -> {
            if (p.pid() != self && running(p) && which.test(p)) {
                found.add(p);
            }
        });
        return found;
    }

    public static String describe(List<ProcessHandle> processes) {
        return processes.stream().map(p -> p.pid() + " " + commandLine(p))
                .collect(Collectors.joining("\n  ", "\n  ", ""));
    }

    /** SIGKILL to {@code root} and every descendant (collected first: they get re-parented), then waits. */
    public static void killTree(ProcessHandle root) {
        List<ProcessHandle> all = new ArrayList<>();
        root.descendants().forEach(all::add);
        all.add(root);
        killAll(all);
    }

    /** SIGKILL to each, then waits until none runs; one that will not die is left to the caller's check. */
    public static void killAll(List<ProcessHandle> processes) {
        processes.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : processes) {
            try {
                Await.until(Duration.ofSeconds(10), () -> !running(p), "pid " + p.pid() + " to die after SIGKILL");
            } catch (AssertionError e) {
                // reported by the caller or the leftover check
            }
        }
    }

    /** The real uid of a process, from /proc/PID/status; -1 when it is gone. */
    public static int uid(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.split("\\s+")[1]);
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    /** Clock ticks per second of /proc/PID/stat's start time (USER_HZ: 100 on Linux). */
    private static final int USER_HZ = 100;

    /**
     * How long ago the process started, in ms, or -1 when it is gone. Both ends are counted from the
     * machine's boot (/proc/uptime, and the start time in /proc/PID/stat): ProcessHandle's
     * startInstant() adds the boot time of /proc/stat, which is whole seconds, so its ages are up to
     * a second too long (0.94 s on one machine: no process looked under a second old).
     */
    public static long ageMillis(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long startTicks = Long.parseLong(fields[19]); // field 22 of stat; the fields after ")" start at 3
            double uptimeSeconds = Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
            return Math.round(uptimeSeconds * 1000) - startTicks * 1000 / USER_HZ;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    public static boolean thisJvmIsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
