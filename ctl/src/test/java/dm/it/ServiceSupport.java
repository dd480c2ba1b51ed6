package dm.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Helpers for the service tests (jsvc, systemd units, packages, restarts with a held socket):
 * commands with deadlines, processes found through a marker in their command line (a private
 * temporary directory) and killed by pid, echo round trips.
 */
final class ServiceSupport {

    private ServiceSupport() {
    }

    /** The repository: failsafe runs in ctl/. */
    static Path repoRoot() {
        Path here = Path.of("").toAbsolutePath();
        return Files.exists(here.resolve("bin/dm-daemon")) ? here : here.getParent();
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    record Result(int exitCode, String output) {
    }

    /** Runs a command to its end (stdout and stderr merged), killing it when the deadline passes. */
    static Result run(List<String> command, Map<String, String> environment, Duration timeout) throws IOException,
            InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(environment);
        Process process = builder.start();
        byte[][] output = new byte[1][];
        Thread reader = new Thread(() -> {
            try (InputStream in = process.getInputStream()) {
                output[0] = in.readAllBytes();
            } catch (IOException e) {
                output[0] = new byte[0];
            }
        });
        reader.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
            reader.join(5_000);
            throw new AssertionError("timed out after " + timeout + ": " + command + "\n"
                    + (output[0] == null ? "" : new String(output[0], StandardCharsets.UTF_8)));
        }
        reader.join(10_000);
        return new Result(process.exitValue(), output[0] == null ? "" : new String(output[0], StandardCharsets.UTF_8));
    }

    static Result run(String... command) throws IOException, InterruptedException {
        return run(List.of(command), Map.of(), Duration.ofSeconds(60));
    }

    /** Polls until the condition holds; fails with the description when the deadline passes. */
    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    /** Pids of the processes whose command line contains the marker (our temporary directory). */
    static List<Long> pidsWith(String marker) {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            entries.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                try {
                    byte[] raw = Files.readAllBytes(p.resolve("cmdline"));
                    String commandLine = new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
                    long pid = Long.parseLong(p.getFileName().toString());
                    if (commandLine.contains(marker) && pid != ProcessHandle.current().pid()) {
                        pids.add(pid);
                    }
                } catch (IOException | RuntimeException e) {
                    // gone meanwhile
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return pids;
    }

    /** Worker JVMs among them. */
    static List<Long> workerPids(String marker) {
        return pidsWith(marker).stream().filter(pid -> commandLine(pid).contains("dm.worker.WorkerMain")).toList();
    }

    static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    /** The real uid of a process, from /proc/PID/status; -1 when it is gone. */
    static int uidOf(long pid) {
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

    /** Cleanup: SIGKILL every process that carries the marker, by pid. */
    static void killAll(String marker) {
        for (long pid : pidsWith(marker)) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    static int ephemeralPort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }

    /** A free port below 1024 (root only). */
    static int freePrivilegedPort() {
        for (int port = 900; port <= 1000; port++) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress("127.0.0.1", port));
                return port;
            } catch (IOException e) {
                // taken
            }
        }
        throw new AssertionError("no free port in 900..1000");
    }

    /** One connection: send a line, expect it back. Throws on any failure. */
    static void echo(int port, String message, int timeoutMillis) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            socket.setTcpNoDelay(true);
            byte[] bytes = (message + "\n").getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(bytes);
            out.flush();
            byte[] back = socket.getInputStream().readNBytes(bytes.length);
            if (!Arrays.equals(bytes, back)) {
                throw new IOException("echo mismatch: sent " + bytes.length + " bytes, got " + back.length);
            }
        }
    }

    static boolean echoes(int port) {
        try {
            echo(port, "ping", 2_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Deletes a directory tree, best effort. */
    static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }

    static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
