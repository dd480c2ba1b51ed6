package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dm.it.kit.AccessLogFile;
import dm.it.kit.Await;
import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.PoolStatus;

/**
 * Issue 9, item 2: clients that connect and send nothing must not take the pool. With
 * server.defer-accept-ms the kernel keeps them away from the workers altogether (1,000 of them, and
 * a normal client is served at once); without it, worker.first-byte-timeout-ms frees each worker
 * after that long, while a connection that has sent its first byte may pause for the longer
 * worker.read-timeout-ms.
 */
@ExtendWith(DmExtension.class)
class SilentClientsIT {
    static final int SILENT = 1_000;
    static final int BACKLOG = 2_048;
    static final long SERVED_WITHIN_MS = 100;

    @TempDir
    Path dir;

    @Test
    void withDeferAcceptAThousandSilentConnectionsCostNoWorker(Daemons daemons) throws Exception {
        // The silent connections wait in the SYN queue, bounded by the backlog (and somaxconn): all must fit,
        // or the kernel answers the rest with SYN cookies and hands them to the workers after all.
        assumeTrue(somaxconn() >= BACKLOG, "net.core.somaxconn below " + BACKLOG);
        DaemonUnderTest daemon = daemons.start(dir, Map.of("server.defer-accept-ms", "60000",
                "server.backlog", Integer.toString(BACKLOG), "pool.min", "2", "pool.max", "4"));
        daemon.waitForLog("supervisor: server\\.defer-accept-ms = 60000: a connection reaches a worker once its first"
                + " bytes arrive, or after 63 s \\(TCP_DEFER_ACCEPT\\)$", Duration.ofSeconds(10));
        daemon.awaitIdleWorkers(2, Duration.ofSeconds(30));
        for (int i = 0; i < 4; i++) {
            servedMillis(daemon.port()); // the workers' first connections run cold code; these are not measured
        }

        List<Socket> silent = new ArrayList<>();
        try {
            long start = System.nanoTime();
            for (int i = 0; i < SILENT; i++) {
                Socket socket = new Socket();
                silent.add(socket);
                socket.connect(new InetSocketAddress("127.0.0.1", daemon.port()), 5_000);
            }
            System.out.println("SilentClientsIT: " + SILENT + " silent connections made in "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
            assertEquals(SILENT, heldByTheKernel(daemon.port()), "silent connections the kernel holds (SYN_RECV)");

            List<Long> served = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                served.add(servedMillis(daemon.port()));
            }
            System.out.println("SilentClientsIT: with " + SILENT + " silent connections open, normal clients served in "
                    + served + " ms");
            for (long millis : served) {
                assertTrue(millis < SERVED_WITHIN_MS, "a normal client served within " + SERVED_WITHIN_MS + " ms: " + served);
            }
            PoolStatus status = daemon.status();
            assertEquals(4 + 5, status.accepted(), "only the normal clients reached a worker:\n" + status.text());
            assertEquals(0, status.busy(), "no worker is held by a silent connection:\n" + status.text());
        } finally {
            for (Socket socket : silent) {
                reset(socket);
            }
        }
        Await.until(Duration.ofSeconds(10), () -> heldByTheKernel(daemon.port()) == 0,
                "the kernel drops the silent connections once they are reset");
        assertEquals(4 + 5, daemon.status().accepted(), "a reset silent connection never reached a worker");
    }

    @Test
    void withoutDeferAcceptTheFirstByteTimeoutFreesEachWorker(Daemons daemons) throws Exception {
        int firstByteMillis = 500;
        int workers = 2;
        int silentCount = 8 * workers;
        DaemonUnderTest daemon = daemons.start(dir, Map.of("pool.min", "" + workers, "pool.max", "" + workers,
                "worker.first-byte-timeout-ms", "" + firstByteMillis, "worker.read-timeout-ms", "60000",
                "log.access-file", dir.resolve("access.log").toString()));
        daemon.awaitIdleWorkers(workers, Duration.ofSeconds(30));

        List<Socket> silent = new ArrayList<>();
        try {
            long start = System.nanoTime();
            for (int i = 0; i < silentCount; i++) {
                Socket socket = new Socket();
                silent.add(socket);
                socket.connect(new InetSocketAddress("127.0.0.1", daemon.port()), 5_000);
                socket.setSoTimeout(30_000);
            }
            // Queued behind them: served once the first-byte timeout has freed workers for every silent one.
            long normal = servedMillis(daemon.port());
            long rounds = silentCount / workers;
            System.out.println("SilentClientsIT: " + silentCount + " silent connections, " + workers + " workers, "
                    + "worker.first-byte-timeout-ms = " + firstByteMillis + ": a normal client behind them served in "
                    + normal + " ms (read timeout 60000 ms)");
            assertTrue(normal >= rounds * firstByteMillis - 100, "the silent connections held the pool first: " + normal);
            assertTrue(normal < rounds * firstByteMillis + 5_000, "freed after the first-byte timeout, not the read"
                    + " timeout: " + normal + " ms");
            for (Socket socket : silent) {
                assertEquals(-1, socket.getInputStream().read(), "the server closes a silent connection");
            }
            long allClosed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(allClosed < rounds * firstByteMillis + 5_000, "all closed after " + allClosed + " ms");
        } finally {
            silent.forEach(SilentClientsIT::reset);
        }
        // Each silent connection has its access log line: nothing received, closed by the first-byte timeout.
        Await.until(Duration.ofSeconds(10), () -> timedOut(firstByteMillis).size() >= silentCount,
                "a timeout line in the access log for each silent connection");
        List<String> closings = timedOut(firstByteMillis);
        assertEquals(silentCount, closings.size(), "one timeout line per silent connection");

        // Once the first byte has come, a pause longer than the first-byte timeout is not cut.
        try (Socket slow = new Socket()) {
            slow.connect(new InetSocketAddress("127.0.0.1", daemon.port()), 5_000);
            slow.setSoTimeout(30_000);
            OutputStream out = slow.getOutputStream();
            InputStream in = slow.getInputStream();
            out.write('a');
            assertEquals('a', in.read());
            Thread.sleep(4L * firstByteMillis);
            out.write('b');
            assertEquals('b', in.read(), "still served after a pause of " + 4 * firstByteMillis + " ms");
        }
        PoolStatus status = daemon.status();
        assertEquals(workers, status.total(), "the workers lived on: the timeouts closed connections only");
    }

    /** Connects, sends a line, and returns the milliseconds until its echo is back. */
    private static long servedMillis(int port) throws IOException {
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(30_000);
            byte[] line = "hello\n".getBytes(StandardCharsets.US_ASCII);
            socket.getOutputStream().write(line);
            byte[] echoed = socket.getInputStream().readNBytes(line.length);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals("hello\n", new String(echoed, StandardCharsets.US_ASCII), "the echo");
            return millis;
        }
    }

    /** Closes with a RST (SO_LINGER 0), which makes the kernel drop a connection it still holds. */
    private static void reset(Socket socket) {
        try {
            if (socket.isConnected() && !socket.isClosed()) {
                socket.setSoLinger(true, 0);
            }
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** Connections to {@code port} the kernel holds in the SYN queue (state SYN_RECV in /proc/net/tcp). */
    private static long heldByTheKernel(int port) {
        try {
            return Files.readAllLines(Path.of("/proc/net/tcp")).stream().skip(1).map(l -> l.trim().split("\\s+"))
                    .filter(f -> Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16) == port && f[3].equals("03"))
                    .count();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static int somaxconn() throws IOException {
        // readAllLines, not readString: that one trusts the size procfs reports and can return a part.
        return Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/core/somaxconn")).get(0).strip());
    }

    /** The access log's lines of connections that sent nothing and were closed after at least the first-byte timeout. */
    private List<String> timedOut(int firstByteMillis) {
        return AccessLogFile.lines(dir.resolve("access.log")).stream().filter(line -> {
            java.util.regex.Matcher m = AccessLogFile.LINE.matcher(line);
            return m.matches() && m.group(8).equals("timeout") && m.group(5).equals("0")
                    && Long.parseLong(m.group(7)) >= firstByteMillis * 1_000L;
        }).toList();
    }
}
