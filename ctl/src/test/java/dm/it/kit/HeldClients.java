package dm.it.kit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Echo clients that each connect, get one echo (so a worker has accepted them) and then keep the
 * connection, and so the worker, busy until {@link #release}. Clients beyond the pool wait in the
 * accept queue for their echo.
 */
public final class HeldClients implements AutoCloseable {
    private final CountDownLatch gate = new CountDownLatch(1);
    private final AtomicInteger served = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Integer> servedPorts = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();

    public HeldClients(int port, int count) {
        for (int c = 0; c < count; c++) {
            int client = c;
            Thread thread = new Thread(() -> {
                try (Echo echo = new Echo(port, 60_000)) {
                    echo.roundTrip(Echo.randomBytes(new Random(client), 100));
                    servedPorts.add(echo.localPort());
                    served.incrementAndGet();
                    if (!gate.await(90, TimeUnit.SECONDS)) {
                        throw new AssertionError("never released");
                    }
                    echo.roundTrip(Echo.randomBytes(new Random(client), 10));
                } catch (Throwable e) {
                    failures.add("held client " + client + ": " + e);
                }
            }, "held-" + c);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
    }

    public int served() {
        return served.get();
    }

    public List<String> failures() {
        return List.copyOf(failures);
    }

    /** Local ports of the clients a worker has accepted. */
    public List<Integer> servedPorts() {
        return List.copyOf(servedPorts);
    }

    public void awaitServed(int count, Duration timeout) {
        Await.until(timeout, () -> served.get() >= count || !failures.isEmpty(), count + " held clients served");
        if (!failures.isEmpty()) {
            throw new AssertionError("held clients failed: " + failures);
        }
    }

    /** Each client sends one last message, reads its echo and closes; waits for all of them. */
    public void release(Duration timeout) throws InterruptedException {
        gate.countDown();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread thread : threads) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (thread.isAlive()) {
                throw new AssertionError(thread.getName() + " still running after release");
            }
        }
        if (!failures.isEmpty()) {
            throw new AssertionError("held clients failed: " + failures);
        }
    }

    @Override
    public void close() {
        gate.countDown();
    }
}
