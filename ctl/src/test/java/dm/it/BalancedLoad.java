package dm.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Continuous client load through a balancer speaking dm's LineProtocolHandler: each thread
 * connects, asks WHO (which worker pid serves it), says QUIT, and again, at a steady pace, until
 * {@link #close}. Every connection is kept as an {@link Outcome}: when, from which local port,
 * which worker, and how it ended.
 */
final class BalancedLoad implements AutoCloseable {
    static final Pattern WHO = Pattern.compile("^worker (\\d+) slot \\d+$");
    private static final int READ_TIMEOUT_MILLIS = 15_000;
    /** Between two connections of a thread: a steady load that leaves the shared machine some CPU. */
    private static final long PACE_MILLIS = 4;

    /** One connection: {@code pid} 0 when it failed before a worker said who it is; {@code error} null when it went well. */
    record Outcome(long startMillis, long endMillis, int localPort, long pid, String error) {
        boolean ok() {
            return error == null;
        }
    }

    private final InetSocketAddress target;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();

    BalancedLoad(InetSocketAddress target, int threadCount) {
        this.target = target;
        for (int t = 0; t < threadCount; t++) {
            Thread thread = new Thread(this::run, "balanced-load-" + t);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
    }

    private void run() {
        while (!stop.get()) {
            outcomes.add(oneConnection(target));
            try {
                Thread.sleep(PACE_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    static Outcome oneConnection(InetSocketAddress target) {
        long start = System.currentTimeMillis();
        int localPort = 0;
        long pid = 0;
        try (Socket socket = new Socket()) {
            socket.connect(target, 5_000);
            localPort = socket.getLocalPort();
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out.write("WHO\n".getBytes(StandardCharsets.US_ASCII));
            pid = workerPid(in.readLine());
            out.write("QUIT\n".getBytes(StandardCharsets.US_ASCII));
            String bye = in.readLine();
            if (!"BYE".equals(bye)) {
                throw new IOException("QUIT answered " + bye);
            }
            return new Outcome(start, System.currentTimeMillis(), localPort, pid, null);
        } catch (IOException e) {
            return new Outcome(start, System.currentTimeMillis(), localPort, pid, e.toString());
        }
    }

    static long workerPid(String who) throws IOException {
        Matcher m = who == null ? null : WHO.matcher(who);
        if (m == null || !m.matches()) {
            throw new IOException("WHO answered " + who);
        }
        return Long.parseLong(m.group(1));
    }

    /** Connections started in [fromMillis, toMillis). */
    List<Outcome> between(long fromMillis, long toMillis) {
        return outcomes.stream().filter(o -> o.startMillis() >= fromMillis && o.startMillis() < toMillis).toList();
    }

    int count() {
        return outcomes.size();
    }

    /** Stops the clients and waits for each to finish its connection. */
    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
            if (thread.isAlive()) {
                throw new AssertionError(thread.getName() + " still running 30 s after the load stopped");
            }
        }
    }
}
