package dm.it.kit;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Continuous short-connection load on 127.0.0.1: each thread connects, echoes a few bytes, closes,
 * and again, until {@link #close}. Counts successes and keeps every failure with its time.
 */
public final class EchoLoad implements AutoCloseable {
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger successes = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();

    public EchoLoad(int port, int threadCount, int readTimeoutMillis) {
        this(port, threadCount, readTimeoutMillis, 0);
    }

    /** As above, each thread waiting {@code pauseMillis} after each connection: a steady rate rather than the most the pool can do. */
    public EchoLoad(int port, int threadCount, int readTimeoutMillis, long pauseMillis) {
        for (int t = 0; t < threadCount; t++) {
            Random random = new Random(t);
            Thread thread = new Thread(() -> {
                while (!stop.get()) {
                    try (Echo echo = new Echo(port, readTimeoutMillis)) {
                        echo.roundTrip(Echo.randomBytes(random, 1 + random.nextInt(256)));
                        successes.incrementAndGet();
                    } catch (Exception e) {
                        failures.add(System.currentTimeMillis() + " " + e);
                    }
                    if (pauseMillis > 0) {
                        try {
                            Thread.sleep(pauseMillis);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            }, "echo-load-" + t);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
    }

    public int successes() {
        return successes.get();
    }

    public List<String> failures() {
        return List.copyOf(failures);
    }

    /** Stops the clients and waits for each to finish its connection. */
    @Override
    public void close() {
        stop.set(true);
        for (Thread thread : threads) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while the load stopped", e);
            }
            if (thread.isAlive()) {
                throw new AssertionError(thread.getName() + " still running 60 s after the load stopped");
            }
        }
    }
}
