package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dm.it.kit.Await;
import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.Echo;

/** Requirement 9: worker lines name pid and slot, client lines name the client, and no line is a fragment. */
@ExtendWith(DmExtension.class)
class LoggingIT {
    static final Pattern LINE = Pattern.compile(
            "^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3} (TRACE|DEBUG|INFO |WARN |ERROR) dm\\[(\\d+)\\] (supervisor|slot (\\d+)): .*");
    static final int CLIENTS = 8;
    static final int CONNECTIONS_EACH = 15;

    @TempDir
    Path dir;

    @Test
    void everyLineIsWholeAndNamesItsProcess(Daemons daemons) throws Exception {
        DaemonUnderTest daemon = daemons.start(dir, Map.of("pool.min", "3", "pool.max", "4"));
        // Many short connections from several threads at once: every worker logs at the same time.
        ConcurrentLinkedQueue<Integer> clientPorts = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            Random random = new Random(c);
            Thread thread = new Thread(() -> {
                for (int i = 0; i < CONNECTIONS_EACH; i++) {
                    try (Echo echo = new Echo(daemon.port())) {
                        clientPorts.add(echo.localPort());
                        echo.roundTrip(Echo.randomBytes(random, 1 + random.nextInt(2000)));
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(60));
            assertFalse(thread.isAlive(), "client thread still running");
        }
        assertTrue(failures.isEmpty(), () -> "failures: " + failures);
        int connections = CLIENTS * CONNECTIONS_EACH;
        Await.until(Duration.ofSeconds(15),
                () -> daemon.logLines().stream().filter(l -> l.contains(": client disconnected: ")).count() == connections,
                connections + " 'client disconnected' lines");

        List<String> lines = daemon.logLines();
        Map<Integer, Long> started = new java.util.HashMap<>();
        for (DaemonUnderTest.WorkerEvent event : daemon.workerEvents()) {
            if (event.started()) {
                started.put(event.slot(), event.pid());
            }
        }
        Set<Integer> seenPorts = new HashSet<>();
        Pattern connected = Pattern.compile(": new client connected: 127\\.0\\.0\\.1:(\\d+)$");
        for (String line : lines) {
            Matcher m = LINE.matcher(line);
            assertTrue(m.matches(), () -> "log line without timestamp and process, or a fragment: '" + line + "'");
            if (m.group(4) != null) {
                int slot = Integer.parseInt(m.group(4));
                long pid = Long.parseLong(m.group(2));
                assertEquals(started.get(slot), Long.valueOf(pid), () -> "worker line names the pid started in its slot: " + line);
            } else {
                assertEquals(daemon.pid(), Long.parseLong(m.group(2)), () -> "supervisor line names its pid: " + line);
            }
            Matcher c = connected.matcher(line);
            if (c.find()) {
                assertTrue(m.group(4) != null, () -> "a worker logs new clients: " + line);
                seenPorts.add(Integer.parseInt(c.group(1)));
            }
        }
        assertEquals(new HashSet<>(clientPorts), seenPorts, "one 'new client connected: 127.0.0.1:PORT' line per client port");
        System.out.println("LoggingIT: " + lines.size() + " log lines checked, " + connections + " connections");
    }
}
