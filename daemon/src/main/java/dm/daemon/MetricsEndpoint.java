package dm.daemon;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dm.metrics.PoolMetrics;
import dm.net.Addresses;
import dm.net.HostAndPort;
import dm.scoreboard.Scoreboard;
import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * metrics.listen: Prometheus scrapes the pool here (GET /metrics), served by the Prometheus client
 * library's HTTP server. Like the agent endpoint, a few threads of the supervisor JVM that read the
 * scoreboard ({@link PoolMetrics}) and nothing else, and never touch a worker. Bounded: at most
 * {@link #SCRAPE_THREADS} scrapes run at once and {@link #QUEUED_SCRAPES} wait; a client that takes
 * longer than {@link #REQUEST_SECONDS} s to send its request, or {@link #RESPONSE_SECONDS} s to take
 * the answer, is cut off by the JDK's HTTP server.
 */
final class MetricsEndpoint implements AutoCloseable {
    static final int SCRAPE_THREADS = 2;
    static final int QUEUED_SCRAPES = 8;
    static final int REQUEST_SECONDS = 2;
    static final int RESPONSE_SECONDS = 5;

    private final HTTPServer server;
    private final ThreadPoolExecutor scrapes;
    private final Guarded guarded;
    private final InetAddress address;

    private MetricsEndpoint(HTTPServer server, ThreadPoolExecutor scrapes, Guarded guarded, InetAddress address) {
        this.server = server;
        this.scrapes = scrapes;
        this.guarded = guarded;
        this.address = address;
    }

    /** Binds {@code where} and serves the metrics of {@code scoreboard} until {@link #close}. */
    static MetricsEndpoint open(HostAndPort where, Scoreboard scoreboard) throws ListenSocket.ListenException {
        InetAddress address;
        try {
            address = InetAddress.getByName(where.host());
        } catch (UnknownHostException e) {
            throw new ListenSocket.ListenException("metrics.listen = '" + where.host() + ":" + where.port()
                    + "': unknown host");
        }
        boundTimeouts();
        ThreadPoolExecutor scrapes = new ThreadPoolExecutor(1, SCRAPE_THREADS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUED_SCRAPES), runnable -> {
                    Thread thread = new Thread(runnable, "metrics-scrape");
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.DiscardPolicy());
        Guarded guarded = new Guarded(new PoolMetrics(scoreboard));
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(guarded);
        try {
            // Our own settings only: no prometheus.properties, system property or environment variable of the
            // library's may move the port or change what it serves.
            HTTPServer server = HTTPServer.builder(PrometheusProperties.builder().build()).inetAddress(address)
                    .port(where.port()).registry(registry).executorService(scrapes).buildAndStart();
            return new MetricsEndpoint(server, scrapes, guarded, address);
        } catch (IOException | RuntimeException e) {
            scrapes.shutdownNow();
            throw new ListenSocket.ListenException("metrics.listen: cannot listen on " + Addresses.format(address,
                    where.port()) + ": " + message(e));
        }
    }

    /**
     * The JDK's HTTP server reads these once, when its first server is made; the library would set
     * a minute and ten minutes, enough for a few slow clients to hold every scrape thread.
     */
    private static void boundTimeouts() {
        System.setProperty("sun.net.httpserver.maxReqTime", Integer.toString(REQUEST_SECONDS));
        System.setProperty("sun.net.httpserver.maxRspTime", Integer.toString(RESPONSE_SECONDS));
    }

    /** In the words ListenSocket uses for server.port. */
    private static String message(Throwable e) {
        while (e.getCause() != null && e.getMessage() == null) {
            e = e.getCause();
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof java.net.BindException) {
            if (message.startsWith("Address already in use")) {
                return "address already in use";
            }
            if (message.startsWith("Cannot assign requested address")) {
                return "address not available on this machine";
            }
            if (message.startsWith("Permission denied")) {
                return "permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)";
            }
        }
        return message;
    }

    String describe() {
        return Addresses.format(address, server.getPort());
    }

    int port() {
        return server.getPort();
    }

    /** Stops serving; after it returns no thread of the endpoint reads the scoreboard. */
    @Override
    public void close() {
        guarded.close();
        server.close();
        scrapes.shutdownNow();
        try {
            scrapes.awaitTermination(RESPONSE_SECONDS * 2L, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads the scoreboard under a lock that {@link #close} takes, so it is never read once it may be gone. */
    private static final class Guarded implements MultiCollector {
        private final PoolMetrics metrics;
        private boolean closed;

        Guarded(PoolMetrics metrics) {
            this.metrics = metrics;
        }

        @Override
        public synchronized MetricSnapshots collect() {
            return closed ? PoolMetrics.down() : metrics.collect();
        }

        synchronized void close() {
            closed = true;
        }
    }
}
