package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.Exec;

/**
 * Benchmark, not a timed test: the CPU an idle pool costs (utime + stime from /proc/PID/stat over
 * {@value #IDLE_SECONDS} s without traffic) for the supervisor and each worker, with many TIME_WAIT
 * sockets on the host (a server here closes {@value #TIME_WAIT} loopback connections first, so the
 * TIME_WAIT states are its own and take no client port), and how long one {@code dm-ctl status}
 * takes then. Prints the figures; asserts only that they were read, with at least
 * {@value #TIME_WAIT} TIME_WAIT sockets on the host. Runs only with -Ddm.benchmarks=true.
 */
@ExtendWith(DmExtension.class)
@Isolated("a benchmark: it fills the host with TIME_WAIT sockets and measures idle CPU")
class IdleCostBenchmarkIT {
    static final int IDLE_SECONDS = 10;
    static final int TIME_WAIT = 50_000;
    static final int SERVER_PORTS = 12;
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void idleSupervisorAndWorkersCostAlmostNothing(Daemons daemons) throws Exception {
        assumeTrue(Boolean.getBoolean("dm.benchmarks"), "a benchmark: runs with -Ddm.benchmarks=true");
        // The shipped tick (200 ms), not the tests' 50 ms; the class archive on, as shipped.
        DaemonUnderTest daemon = daemons.start(dir, Map.of("pool.min", "2", "pool.max", "4", "pool.min-spare", "0",
                "supervisor.tick-ms", "200", "worker.class-archive", "true"));
        daemon.waitForLog("supervisor: class archive \\S+ written", TIMEOUT);
        daemon.awaitIdleWorkers(2, TIMEOUT);

        long timeWait = makeTimeWaitSockets(TIME_WAIT, Duration.ofSeconds(40));
        assertTrue(timeWait >= TIME_WAIT, "the host has " + timeWait + " TIME_WAIT sockets, not " + TIME_WAIT);
        Thread.sleep(1000); // the replacement of the trainer has settled too
        Map<String, Long> pids = new LinkedHashMap<>();
        pids.put("supervisor", daemon.pid());
        daemon.workerProcesses().forEach(worker -> pids.put("worker " + worker.pid(), worker.pid()));
        Map<String, Long> before = new LinkedHashMap<>();
        pids.forEach((name, pid) -> before.put(name, cpuMillis(pid)));
        Thread.sleep(IDLE_SECONDS * 1000L);
        List<String> figures = new ArrayList<>();
        pids.forEach((name, pid) -> {
            long used = cpuMillis(pid) - before.get(name);
            figures.add(String.format("%s %d ms (%.2f%% of a core)", name, used, used * 100.0 / (IDLE_SECONDS * 1000)));
        });
        Exec.Result status = Exec.ctl(dir, daemon.config(), "status");
        assertEquals(0, status.exitCode(), status::toString);
        System.out.printf("IdleCostBenchmarkIT: JDK %d, load average %s, %d TIME_WAIT sockets on the host; CPU over"
                + " %d s idle: %s; dm-ctl status took %d ms%n", Runtime.version().feature(),
                Files.readString(Path.of("/proc/loadavg")).split(" ")[0], timeWait, IDLE_SECONDS,
                String.join(", ", figures), status.elapsed().toMillis());
        assertTrue(figures.size() >= 3, "supervisor and two workers measured: " + figures);
    }

    /** utime + stime of {@code pid} in milliseconds (the kernel counts in clock ticks of 10 ms). */
    private static long cpuMillis(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10; // fields 14 and 15 of stat(5)
        } catch (IOException e) {
            throw new AssertionError("cannot read /proc/" + pid + "/stat", e);
        }
    }

    /**
     * Opens and closes {@code count} loopback connections whose server side closes first, so each
     * leaves a TIME_WAIT socket for 60 s; stops early at {@code budget}. Returns how many TIME_WAIT
     * sockets the host has then. A TIME_WAIT socket keeps its four-tuple: towards one server port
     * the kernel finds a free client port for only about half the ephemeral range (connect() takes
     * the even ports first), and a new connection that picks the four-tuple of a TIME_WAIT socket
     * ends it (with 6 server ports the host held about 41,000 after 50,000 connections), so the
     * connections are spread over {@value #SERVER_PORTS} server ports,
     * two client threads each, and a thread whose connect fails moves on to the next port.
     */
    private static long makeTimeWaitSockets(int count, Duration budget) throws Exception {
        long deadline = System.nanoTime() + budget.toNanos();
        AtomicInteger made = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        List<ServerSocket> servers = new ArrayList<>();
        List<Thread> acceptors = new ArrayList<>();
        List<Thread> clients = new ArrayList<>();
        try {
            for (int i = 0; i < SERVER_PORTS; i++) {
                ServerSocket server = new ServerSocket();
                servers.add(server);
                server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
                acceptors.add(new Thread(() -> {
                    while (true) {
                        try (Socket accepted = server.accept()) {
                            // closing first puts this side in TIME_WAIT
                        } catch (IOException e) {
                            return; // closed at the end
                        }
                    }
                }));
            }
            for (int i = 0; i < 2 * SERVER_PORTS; i++) {
                int first = i % SERVER_PORTS;
                clients.add(new Thread(() -> {
                    byte[] buffer = new byte[16];
                    for (int tried = 0; tried < SERVER_PORTS; tried++) {
                        ServerSocket server = servers.get((first + tried) % SERVER_PORTS);
                        while (made.get() < count && System.nanoTime() - deadline < 0) {
                            try (Socket client = new Socket(server.getInetAddress(), server.getLocalPort())) {
                                InputStream in = client.getInputStream();
                                while (in.read(buffer) >= 0) {
                                    // until the server's FIN
                                }
                                made.incrementAndGet();
                            } catch (IOException e) {
                                failed.incrementAndGet();
                                break; // this port's four-tuples are used up: the next one
                            }
                        }
                    }
                }));
            }
            acceptors.forEach(Thread::start);
            clients.forEach(Thread::start);
            for (Thread client : clients) {
                client.join();
            }
        } finally {
            for (ServerSocket server : servers) {
                server.close();
            }
        }
        for (Thread acceptor : acceptors) {
            acceptor.join();
        }
        System.out.printf("IdleCostBenchmarkIT: %d connections closed by their server side over %d server ports"
                + " (%d connects failed)%n", made.get(), SERVER_PORTS, failed.get());
        return countTimeWait();
    }

    private static long countTimeWait() throws IOException {
        long count = 0;
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length > 3 && fields[3].equals("06")) {
                    count++;
                }
            }
        }
        return count;
    }
}
