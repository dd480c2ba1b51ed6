package dm.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dm.net.HostAndPort;
import dm.scoreboard.Scoreboard;
import dm.scoreboard.WorkerExitCause;

/** metrics.listen on a real socket and scoreboard: what a scrape gets, how it refuses, that close ends it. */
class MetricsEndpointTest {
    @TempDir
    Path dir;

    private static HttpURLConnection get(int port, String path) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) new URL("http://127.0.0.1:" + port + path).openConnection();
        connection.setConnectTimeout(2_000);
        connection.setReadTimeout(5_000);
        return connection;
    }

    private static String body(HttpURLConnection connection) throws IOException {
        try (InputStream in = connection.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aScrapeGetsTheSeriesOfTheScoreboardAsPrometheusText() throws Exception {
        try (Scoreboard scoreboard = Scoreboard.create(dir.resolve("scoreboard"), 2)) {
            scoreboard.control().announce(1, System.currentTimeMillis());
            scoreboard.control().countExit(WorkerExitCause.RECYCLED);
            int port;
            try (MetricsEndpoint endpoint = MetricsEndpoint.open(new HostAndPort("127.0.0.1", 0), scoreboard)) {
                port = endpoint.port();
                assertEquals("127.0.0.1:" + port, endpoint.describe());
                HttpURLConnection scrape = get(port, "/metrics");
                assertEquals(200, scrape.getResponseCode());
                assertTrue(scrape.getContentType().startsWith("text/plain; version=0.0.4"), scrape.getContentType());
                String text = body(scrape);
                assertTrue(text.contains("\ndm_up 1.0\n"), text);
                assertTrue(text.contains("dm_worker_exits_total{cause=\"recycled\"} 1.0"), text);

                scoreboard.control().countExit(WorkerExitCause.RECYCLED);
                assertTrue(body(get(port, "/metrics")).contains("dm_worker_exits_total{cause=\"recycled\"} 2.0"),
                        "read at each scrape");
            }
            assertThrows(ConnectException.class, () -> get(port, "/metrics").getResponseCode(), "closed");
        }
    }

    /**
     * Clients that send half a request hold a scrape thread each, but only for REQUEST_SECONDS: then
     * the JDK's server cuts them off, and a scrape that queued behind them is answered.
     */
    @Test
    void clientsThatStallMidRequestAreCutOffAndTheScrapeBehindThemIsAnswered() throws Exception {
        try (Scoreboard scoreboard = Scoreboard.create(dir.resolve("scoreboard"), 1);
                MetricsEndpoint endpoint = MetricsEndpoint.open(new HostAndPort("127.0.0.1", 0), scoreboard)) {
            java.util.List<java.net.Socket> stalled = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < MetricsEndpoint.SCRAPE_THREADS + 1; i++) {
                    java.net.Socket socket = new java.net.Socket("127.0.0.1", endpoint.port());
                    socket.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                    socket.setSoTimeout(15_000);
                    stalled.add(socket);
                }
                long start = System.nanoTime();
                HttpURLConnection scrape = get(endpoint.port(), "/metrics");
                scrape.setReadTimeout(15_000);
                assertEquals(200, scrape.getResponseCode());
                assertTrue(body(scrape).contains("dm_up"));
                System.out.printf("MetricsEndpointTest: scrape behind %d stalled clients answered in %d ms%n",
                        stalled.size(), (System.nanoTime() - start) / 1_000_000);
                for (java.net.Socket socket : stalled) {
                    assertTrue(cutOff(socket), "cut off by the server, no answer");
                }
            } finally {
                for (java.net.Socket socket : stalled) {
                    socket.close();
                }
            }
        }
    }

    /** The server closed the connection (an end of stream or a reset) without answering; a read timeout is not that. */
    private static boolean cutOff(java.net.Socket socket) throws IOException {
        long start = System.nanoTime();
        try {
            int read = socket.getInputStream().read();
            System.out.printf("MetricsEndpointTest: stalled client: end of stream after %d ms more%n",
                    (System.nanoTime() - start) / 1_000_000);
            return read == -1;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException e) {
            System.out.printf("MetricsEndpointTest: stalled client: %s after %d ms more%n", e.getMessage(),
                    (System.nanoTime() - start) / 1_000_000);
            return true; // reset: the server closed with our request half read
        }
    }

    @Test
    void aPortInUseOrAnUnknownHostIsOneLineNamingTheSetting() throws Exception {
        try (Scoreboard scoreboard = Scoreboard.create(dir.resolve("scoreboard"), 1);
                ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            ListenSocket.ListenException inUse = assertThrows(ListenSocket.ListenException.class,
                    () -> MetricsEndpoint.open(new HostAndPort("127.0.0.1", taken.getLocalPort()), scoreboard));
            assertEquals("metrics.listen: cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": address already in use",
                    inUse.getMessage());
            ListenSocket.ListenException unknown = assertThrows(ListenSocket.ListenException.class,
                    () -> MetricsEndpoint.open(new HostAndPort("no-such-host.invalid", 9105), scoreboard));
            assertEquals("metrics.listen = 'no-such-host.invalid:9105': unknown host", unknown.getMessage());
        }
    }
}
