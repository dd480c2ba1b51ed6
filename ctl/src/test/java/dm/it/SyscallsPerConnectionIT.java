package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

import dm.it.kit.AccessLogFile;
import dm.it.kit.Await;
import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.Exec;

/**
 * Issue 11's rule for the per-connection path, checked with strace on the accepting thread of a
 * real worker: a connection costs the system calls a C prefork server makes for it (accept, read,
 * write, close) and TCP_NODELAY, plus the epoll_wait the thread waits in (AcceptWait: what makes the
 * first idle thread of the oldest worker get the connection) and the JVM's occasional futex, and no
 * more: none of what the JDK's own accept adds (fcntl F_GETFL, two getsockname: the worker accepts
 * with accept4 itself, NativeSocket), no timeout set per read, no log line. With the access log on,
 * one write more.
 * Prints the calls per connection, per system call.
 */
@ExtendWith(DmExtension.class)
@Isolated("strace slows the worker it traces")
class SyscallsPerConnectionIT {
    /** Enough for the JIT to have compiled the path: after 300, a connection in three still queued a compilation (futex). */
    private static final int WARM_UP = 3_000;
    private static final int CONNECTIONS = 500;
    /** What serving one echo connection needs: C prefork's accept, read, write, close, and setsockopt for TCP_NODELAY. */
    private static final Set<String> NEEDED = Set.of("accept", "accept4", "read", "recvfrom", "write", "sendto", "close",
            "setsockopt");
    /**
     * What dm and the JVM add, at most this many times per connection: the wait for it in epoll; and
     * futex, the JVM's own (a safepoint for a young collection, strace -k shows VMThread::execute),
     * which comes once in a few hundred connections once the JIT is done.
     */
    private static final Map<String, Double> ADDED = Map.of("epoll_wait", 1.0, "futex", 0.05);

    @TempDir
    Path dir;

    @Test
    void aConnectionCostsTheSystemCallsOfCPreforkAndTcpNodelayOnly(Daemons daemons) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/strace")), "needs strace (apt-get install strace)");
        Map<String, Double> plain = perConnection(daemons, "plain", Map.of());
        Map<String, Double> logged = perConnection(daemons, "logged",
                Map.of("log.access-file", dir.resolve("logged/access.log").toString()));
        System.out.printf("SyscallsPerConnectionIT: system calls per connection of a worker's accepting thread, %d"
                + " echo connections of 64 bytes: %.2f %s; with the access log on: %.2f %s%n", CONNECTIONS,
                total(plain), plain, total(logged), logged);

        for (Map<String, Double> calls : List.of(plain, logged)) {
            calls.forEach((call, perConnection) -> {
                if (!NEEDED.contains(call)) {
                    assertTrue(perConnection <= ADDED.getOrDefault(call, 0.0) + 0.05,
                            () -> call + " " + perConnection + " times per connection: more than serving it needs " + calls);
                }
            });
            assertTrue(calls.getOrDefault("setsockopt", 0.0) <= 1.05, () -> "one setsockopt, TCP_NODELAY: " + calls);
            assertTrue(calls.getOrDefault("close", 0.0) <= 1.05, () -> "one close: " + calls);
        }
        double plainWrites = plain.getOrDefault("write", 0.0) + plain.getOrDefault("sendto", 0.0);
        double loggedWrites = logged.getOrDefault("write", 0.0) + logged.getOrDefault("sendto", 0.0);
        assertTrue(plainWrites <= 1.05, () -> "one write, the echo, and no log line: " + plain);
        assertTrue(Math.abs(loggedWrites - plainWrites - 1) <= 0.05, () -> "the access log adds one write: " + logged);
        assertEquals(WARM_UP + CONNECTIONS, AccessLogFile.lines(dir.resolve("logged/access.log")).size(),
                "an access log line per connection");
    }

    /** Starts a one-worker daemon, warms it, traces its accepting thread over CONNECTIONS connections. */
    private Map<String, Double> perConnection(Daemons daemons, String name, Map<String, String> extra) throws Exception {
        Map<String, String> settings = new java.util.HashMap<>(Map.of("pool.min", "1", "pool.max", "1",
                "pool.min-spare", "0", "worker.threads", "1"));
        settings.putAll(extra);
        DaemonUnderTest daemon = daemons.start(Files.createDirectories(dir.resolve(name)), settings);
        long worker = daemon.awaitIdleWorkers(1, Duration.ofSeconds(60)).row(0).pid();
        connect(daemon.port(), WARM_UP); // the JIT has compiled the path before strace counts it
        long thread = acceptingThread(worker);
        Path summary = dir.resolve(name + ".strace");
        Exec.Running strace = Exec.start(dir, List.of("/usr/bin/strace", "-qq", "-c", "-o", summary.toString(), "-p",
                Long.toString(thread)));
        try {
            Await.until(Duration.ofSeconds(10), () -> tracerOf(worker, thread) != 0 || !strace.process().isAlive(),
                    "strace attached to thread " + thread + " of worker " + worker);
            assertTrue(strace.process().isAlive(), () -> "strace could not attach: " + strace.stderr());
            connect(daemon.port(), CONNECTIONS);
        } finally {
            strace.process().destroy(); // SIGTERM: it detaches and writes its summary
            assertTrue(strace.process().waitFor(10, TimeUnit.SECONDS), "strace exits on SIGTERM");
        }
        Map<String, Double> calls = new TreeMap<>();
        for (String line : Files.readAllLines(summary)) {
            String[] fields = line.strip().split("\\s+");
            // "% time  seconds  usecs/call  calls  [errors]  syscall"; the header, rules and total line are skipped
            if (fields.length >= 5 && fields[0].matches("[0-9.]+") && !fields[fields.length - 1].equals("total")) {
                calls.put(fields[fields.length - 1], Math.round(100.0 * Long.parseLong(fields[3]) / CONNECTIONS) / 100.0);
            }
        }
        assertTrue(calls.getOrDefault("accept", 0.0) + calls.getOrDefault("accept4", 0.0) >= 0.99,
                () -> "strace saw every accept: " + calls);
        return calls;
    }

    private static double total(Map<String, Double> calls) {
        return Math.round(100 * calls.values().stream().mapToDouble(Double::doubleValue).sum()) / 100.0;
    }

    /** {@code count} echo connections one after another, 64 bytes each way. */
    private static void connect(int port, int count) throws IOException {
        byte[] message = new byte[64];
        for (int i = 0; i < count; i++) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();
                out.write(message);
                socket.shutdownOutput();
                assertEquals(64, in.readNBytes(64).length);
                assertEquals(-1, in.read());
            }
        }
    }

    /** The thread of {@code worker} named accept-0. */
    private static long acceptingThread(long worker) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(worker), "task"))) {
            List<Path> all = new ArrayList<>(tasks.toList());
            for (Path task : all) {
                if (Files.readString(task.resolve("comm")).strip().equals("accept-0")) {
                    return Long.parseLong(task.getFileName().toString());
                }
            }
        }
        throw new AssertionError("worker " + worker + " has no thread named accept-0");
    }

    private static long tracerOf(long worker, long thread) {
        try {
            Optional<String> line = Files.readAllLines(Path.of("/proc", "" + worker, "task", "" + thread, "status"))
                    .stream().filter(l -> l.startsWith("TracerPid:")).findFirst();
            return line.map(l -> Long.parseLong(l.substring("TracerPid:".length()).strip())).orElse(0L);
        } catch (IOException e) {
            return 0;
        }
    }
}
