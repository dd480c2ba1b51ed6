package dm.it.kit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/** Finds, kills and waits for the dm JVMs the tests start; ports. */
public final class Processes {
    /** Paths (test directories) that appear in the command line of every dm JVM a test starts. */
    private static final Set<String> MARKERS = ConcurrentHashMap.newKeySet();

    private Processes() {
    }

    public static void mark(Path testDirectory) {
        MARKERS.add(testDirectory.toAbsolutePath().toString());
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
            String stat = java.nio.file.Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return process.isAlive();
        }
    }

    public static boolean isDmJvm(ProcessHandle process) {
        String commandLine = process.info().commandLine().orElse("");
        return commandLine.contains("dm.daemon.DaemonMain") || commandLine.contains("dm.worker.WorkerMain");
    }

    /**
     * Live dm JVMs started by this test JVM: its descendants, and orphans (re-parented to init after
     * their supervisor died) recognised by a test directory in their command line.
     */
    public static List<ProcessHandle> leftovers() {
        long self = ProcessHandle.current().pid();
        Set<Long> descendants = ProcessHandle.current().descendants().map(ProcessHandle::pid).collect(Collectors.toSet());
        List<ProcessHandle> found = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(p -> {
            if (p.pid() == self || !running(p) || !isDmJvm(p)) {
                return;
            }
            String commandLine = p.info().commandLine().orElse("");
            if (descendants.contains(p.pid()) || MARKERS.stream().anyMatch(commandLine::contains)) {
                found.add(p);
            }
        });
        return found;
    }

    /** Live dm JVMs whose command line contains {@code path} (a test directory or a configuration file). */
    public static List<ProcessHandle> mentioning(Path path) {
        String marker = path.toAbsolutePath().toString();
        return ProcessHandle.allProcesses()
                .filter(p -> running(p) && isDmJvm(p) && p.info().commandLine().orElse("").contains(marker))
                .collect(Collectors.toList());
    }

    public static String describe(List<ProcessHandle> processes) {
        return processes.stream().map(p -> p.pid() + " " + p.info().commandLine().orElse("?"))
                .collect(Collectors.joining("\n  ", "\n  ", ""));
    }

    /** SIGKILL to {@code root} and every descendant (collected first: they get re-parented), then waits. */
    public static void killTree(ProcessHandle root) {
        List<ProcessHandle> all = new ArrayList<>();
        root.descendants().forEach(all::add);
        all.add(root);
        killAll(all);
    }

    public static void killAll(List<ProcessHandle> processes) {
        processes.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : processes) {
            try {
                Await.until(java.time.Duration.ofSeconds(10), () -> !running(p), "pid " + p.pid() + " to die after SIGKILL");
            } catch (AssertionError e) {
                // reported by the caller or the leftover check
            }
        }
    }

    /** True when a listening socket can be bound on 127.0.0.1:port right now. */
    public static boolean portFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A port that was free a moment ago (for cases where the daemon must be given a number). */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new AssertionError("no free port", e);
        }
    }
}
