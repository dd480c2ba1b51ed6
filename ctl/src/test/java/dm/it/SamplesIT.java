package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.Echo;
import dm.it.kit.LineClient;
import dm.it.kit.PoolStatus;

/** The built-in sample jobs: EchoHandler, PlusOneHandler, LineProtocolHandler. */
@ExtendWith(DmExtension.class)
class SamplesIT {
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void echoIsByteExact(Daemons daemons) throws Exception {
        DaemonUnderTest daemon = daemons.start(dir, Map.of()); // worker.handler defaults to the echo
        daemon.awaitIdleWorkers(2, TIMEOUT);
        Random random = new Random(1);
        byte[] everyByte = new byte[512];
        for (int i = 0; i < everyByte.length; i++) {
            everyByte[i] = (byte) i;
        }
        try (Echo echo = new Echo(daemon.port())) {
            echo.roundTrip(new byte[] {'x'});
            echo.roundTrip("line with CR LF\r\n and a NUL \0 and UTF-8 é€\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            echo.roundTrip(everyByte);
            echo.roundTrip(Echo.randomBytes(random, 65_537));
            echo.roundTrip(Echo.randomBytes(random, 1 << 20));
            // Half-close: the echo handler sees end of stream, returns, and the worker closes the connection.
            echo.socket.shutdownOutput();
            assertEquals(-1, echo.read(), "the server closes after the client half-closed");
        }
        // Every connection is a fresh one: many small ones in a row.
        for (int i = 0; i < 20; i++) {
            try (Echo echo = new Echo(daemon.port())) {
                echo.roundTrip(Echo.randomBytes(random, 1 + random.nextInt(3000)));
            }
        }
    }

    @Test
    void plusOneAnswersTheNextByteAndCloses(Daemons daemons) throws Exception {
        DaemonUnderTest daemon = daemons.start(dir, Map.of("pool.min", "3", "pool.max", "4",
                "worker.handler", "dm.handler.PlusOneHandler"));
        daemon.awaitIdleWorkers(3, TIMEOUT);

        // Three clients at once: each sends 'A' and gets 'B', then the server closes.
        int clients = 3;
        CyclicBarrier together = new CyclicBarrier(clients);
        List<CompletableFuture<String>> results = new ArrayList<>();
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(clients);
        for (int i = 0; i < clients; i++) {
            results.add(CompletableFuture.supplyAsync(() -> {
                try {
                    together.await(30, TimeUnit.SECONDS);
                    return exchangeOneByte(daemon.port(), 'A');
                } catch (Exception e) {
                    return "failed: " + e;
                }
            }, threads)); // a thread each: they wait for one another
        }
        try {
            for (CompletableFuture<String> result : results) {
                assertEquals("B then closed", result.get(60, TimeUnit.SECONDS));
            }
        } finally {
            threads.shutdownNow();
        }
        assertEquals("b then closed", exchangeOneByte(daemon.port(), 'a'));
        assertEquals("1 then closed", exchangeOneByte(daemon.port(), '0'));
        assertEquals("0 then closed", exchangeOneByte(daemon.port(), 0xff), "0xff wraps to 0x00");

        // A client that closes before sending its byte gets nothing, and costs nothing.
        try (Socket socket = connect(daemon.port())) {
            socket.shutdownOutput();
            assertEquals(-1, socket.getInputStream().read(), "no answer without a byte");
        }
        assertEquals("B then closed", exchangeOneByte(daemon.port(), 'A'));
    }

    /** Sends one byte without closing; returns the answer byte and whether the server then closed. */
    private static String exchangeOneByte(int port, int value) throws Exception {
        try (Socket socket = connect(port)) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(value);
            out.flush();
            int answer = in.read();
            int next = in.read();
            String answerText = answer == 0 ? "0" : answer < 0 ? "nothing" : Character.toString((char) answer);
            return answerText + (next == -1 ? " then closed" : " then byte " + next);
        }
    }

    private static Socket connect(int port) throws Exception {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), Echo.CONNECT_TIMEOUT_MILLIS);
        socket.setSoTimeout(20_000);
        return socket;
    }

    /**
     * Every documented reply; then a client that sends a line far longer than the worker's heap, with
     * no LF: it gets "ERR line too long" and is cut off, and the worker lives on (it must not read the
     * whole line into memory). One worker, so that every connection meets the same one.
     */
    @Test
    void lineProtocolGivesItsDocumentedReplies(Daemons daemons) throws Exception {
        DaemonUnderTest daemon = daemons.start(dir, Map.of("pool.min", "1", "pool.max", "1",
                "worker.handler", "dm.handler.LineProtocolHandler", "worker.jvm-options", "-XX:+UseSerialGC -Xmx32m"));
        PoolStatus status = daemon.awaitIdleWorkers(1, TIMEOUT);
        long pid = status.workerPids().iterator().next();
        try (LineClient client = new LineClient(daemon.port())) {
            assertEquals("PONG", client.ask("PING"));
            assertEquals("PONG", client.ask("ping"), "verbs are case-insensitive");
            client.sendRaw("PING\r\n");
            assertEquals("PONG", client.readLine(), "CR LF accepted");
            assertEquals("hello  world", client.ask("ECHO hello  world"));
            assertEquals("", client.ask("ECHO"));
            assertEquals("MIXED CASE ÄÖÜ 123", client.ask("UPPER Mixed case äöü 123"));

            Instant before = Instant.now().minusSeconds(2);
            String time = client.ask("TIME");
            Instant after = Instant.now().plusSeconds(2);
            Instant parsed = Instant.parse(time);
            assertTrue(!parsed.isBefore(before) && !parsed.isAfter(after), "TIME is now, ISO-8601 UTC: " + time);
            assertTrue(time.endsWith("Z"), "TIME in UTC: " + time);

            String who = client.ask("WHO");
            Matcher m = Pattern.compile("^worker (\\d+) slot (\\d+)$").matcher(who);
            assertTrue(m.matches(), "WHO: " + who);
            long whoPid = Long.parseLong(m.group(1));
            int slot = Integer.parseInt(m.group(2));
            assertTrue(status.rows().stream().anyMatch(r -> r.pid() == whoPid && r.slot() == slot),
                    () -> "WHO names a worker and its slot: " + who + "\n" + status.text());

            assertEquals("ERR unknown command: FROB", client.ask("frob the widget"));
            assertEquals("ERR unknown command: ", client.ask(""));
            assertEquals("PONG", client.ask("PING"), "the connection goes on after an error");

            assertEquals("BYE", client.ask("QUIT"));
            assertNull(client.readLine(), "the server closes after BYE");
        }
        try (LineClient client = new LineClient(daemon.port())) {
            assertEquals("ERR line too long", client.ask("ECHO " + "x".repeat(9000)));
            assertNull(client.readLine(), "a line too long ends the connection");
        }
        assertEquals("PONG", LineClient.askOnce(daemon.port(), "PING"));

        String reply;
        try (LineClient client = new LineClient(daemon.port())) {
            Thread writer = new Thread(() -> {
                byte[] chunk = new byte[1 << 20];
                java.util.Arrays.fill(chunk, (byte) 'x');
                try {
                    OutputStream out = client.socket.getOutputStream();
                    for (int i = 0; i < 64; i++) { // 64 MiB of one line, twice the worker's heap
                        out.write(chunk);
                    }
                } catch (java.io.IOException e) {
                    // the server cut us off, as it should
                }
            }, "huge-line-writer");
            writer.setDaemon(true);
            writer.start();
            reply = client.readLine();
        }
        assertEquals("ERR line too long", reply);
        assertEquals("worker " + pid + " slot 0", LineClient.askOnce(daemon.port(), "WHO"), "the same worker serves on");
        assertTrue(daemon.workerEvents().stream().allMatch(e -> e.started() && e.pid() == pid),
                () -> "no worker exited: " + daemon.workerEvents());
    }
}
