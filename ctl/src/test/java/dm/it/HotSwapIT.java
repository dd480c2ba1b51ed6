package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dm.it.kit.Await;
import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.Exec;
import dm.it.kit.HandlerJars;
import dm.it.kit.LineClient;

/**
 * Loading by configuration and hot swap: a handler compiled now, in a jar in a directory outside
 * the installation named by worker.classpath; under continuous load the jar is replaced by a new
 * version (temporary name, atomic rename) and dm-ctl -restart makes every worker run it, without a
 * single failed connection.
 */
@ExtendWith(DmExtension.class)
class HotSwapIT {
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final int LOAD_THREADS = 3;
    static final String CLASS_NAME = "hotswap.VersionedHandler";

    @TempDir
    Path dir;

    /** One client connection: when it began and ended, and what came back (or what went wrong). */
    record Call(long startNanos, long endNanos, String request, String reply, String failure) {
    }

    static String handlerSource(String version) {
        return """
                package hotswap;

                import java.io.BufferedReader;
                import java.io.InputStreamReader;
                import java.io.OutputStream;
                import java.nio.charset.StandardCharsets;

                import dm.handler.Connection;
                import dm.handler.ConnectionHandler;
                import dm.handler.WorkerContext;

                public final class VersionedHandler implements ConnectionHandler {
                    @Override
                    public void start(WorkerContext worker) {
                        worker.log().info("VersionedHandler VERSION ready");
                    }

                    @Override
                    public void handle(Connection connection) throws Exception {
                        BufferedReader in = new BufferedReader(new InputStreamReader(connection.input(), StandardCharsets.UTF_8));
                        OutputStream out = connection.output();
                        String line;
                        while ((line = in.readLine()) != null) {
                            out.write(("VERSION " + line + "\\n").getBytes(StandardCharsets.UTF_8));
                            out.flush();
                        }
                    }
                }
                """.replace("VERSION", version);
    }

    @Test
    void replacingTheJarAndRestartingSwapsTheHandlerWithoutAFailedConnection(Daemons daemons) throws Exception {
        Path deploy = Files.createDirectories(dir.resolve("deploy"));
        Path jar = deploy.resolve("versioned-handler.jar");
        HandlerJars.compile(dir, jar, Map.of(CLASS_NAME, handlerSource("v1")));
        DaemonUnderTest daemon = daemons.start(dir, Map.of("pool.min", "3", "pool.max", "5",
                "worker.handler", CLASS_NAME, "worker.classpath", deploy.toString()));
        daemon.awaitIdleWorkers(3, TIMEOUT);

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger successes = new AtomicInteger();
        ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
        List<Thread> load = new ArrayList<>();
        for (int t = 0; t < LOAD_THREADS; t++) {
            int thread = t;
            load.add(new Thread(() -> {
                for (int n = 0; !stop.get(); n++) {
                    String request = "t" + thread + "-" + n;
                    long start = System.nanoTime();
                    try (LineClient client = new LineClient(daemon.port(), 20_000)) {
                        String reply = client.ask(request);
                        calls.add(new Call(start, System.nanoTime(), request, reply, reply == null ? "closed without a reply" : null));
                        if (reply != null) {
                            successes.incrementAndGet();
                        }
                    } catch (Exception e) {
                        calls.add(new Call(start, System.nanoTime(), request, null, e.toString()));
                    }
                }
            }, "load-" + t));
        }
        load.forEach(Thread::start);
        long swapNanos;
        long restartStart;
        long restartEnd;
        try {
            int warm = 30;
            Await.until(TIMEOUT, () -> successes.get() >= warm, warm + " replies before the swap");

            swapNanos = System.nanoTime();
            HandlerJars.compile(dir, jar, Map.of(CLASS_NAME, handlerSource("v2"))); // temporary name, atomic rename

            restartStart = System.nanoTime();
            Exec.Result restart = Exec.ctl(dir, daemon.config(), "-restart");
            restartEnd = System.nanoTime();
            assertEquals(0, restart.exitCode(), () -> "dm-ctl -restart: " + restart);
            assertTrue(restart.stdout().contains("restart done"), () -> "dm-ctl -restart: " + restart);

            Await.until(TIMEOUT, () -> calls.stream().filter(c -> c.startNanos() > restartEnd && c.reply() != null).count() >= warm,
                    warm + " replies after the restart");
        } finally {
            stop.set(true);
            for (Thread thread : load) {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            }
        }
        for (Thread thread : load) {
            assertFalse(thread.isAlive(), thread.getName() + " still running");
        }

        List<Call> all = calls.stream().sorted(Comparator.comparingLong(Call::endNanos)).collect(Collectors.toList());
        List<Call> failed = all.stream().filter(c -> c.failure() != null).collect(Collectors.toList());
        List<Call> wrong = all.stream().filter(c -> c.reply() != null
                && !c.reply().equals("v1 " + c.request()) && !c.reply().equals("v2 " + c.request())).collect(Collectors.toList());
        List<Call> v2BeforeSwap = all.stream().filter(c -> c.endNanos() < swapNanos && c.reply() != null && !c.reply().startsWith("v1 "))
                .collect(Collectors.toList());
        List<Call> oldAfterRestart = all.stream().filter(c -> c.startNanos() > restartEnd && c.reply() != null
                && !c.reply().startsWith("v2 ")).collect(Collectors.toList());
        long v1 = all.stream().filter(c -> c.reply() != null && c.reply().startsWith("v1 ")).count();
        long v2 = all.stream().filter(c -> c.reply() != null && c.reply().startsWith("v2 ")).count();
        long duringRestart = all.stream().filter(c -> c.endNanos() >= restartStart && c.endNanos() <= restartEnd).count();
        long gap = 0;
        for (int i = 1; i < all.size(); i++) {
            gap = Math.max(gap, all.get(i).endNanos() - all.get(i - 1).endNanos());
        }
        System.out.printf("HotSwapIT: %d connections served (%d v1, %d v2), %d failed; restart took %d ms with %d served"
                + " during it; longest gap between replies %.1f ms%n", all.size() - failed.size(), v1, v2, failed.size(),
                TimeUnit.NANOSECONDS.toMillis(restartEnd - restartStart), duringRestart, gap / 1e6);

        assertEquals(List.of(), failed, "failed client connections");
        assertEquals(List.of(), wrong, "replies neither v1 nor v2 of their request");
        assertEquals(List.of(), v2BeforeSwap, "replies before the jar was replaced must be v1");
        assertEquals(List.of(), oldAfterRestart, "connections begun after the restart completed must get v2");
        assertTrue(v1 > 0 && v2 > 0, "both versions served");
        for (long pid : daemon.status().workerPids()) {
            assertTrue(daemon.logContains("dm\\[" + pid + "\\] slot \\d+: VersionedHandler v2 ready"), "worker " + pid + " runs v2");
        }
    }
}
