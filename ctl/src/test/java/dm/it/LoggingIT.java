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

import dm.it.kit.AccessLogFile;
import dm.it.kit.Await;
import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.Echo;

/**
 * Requirement 9: worker lines name pid and slot and no line is a fragment; at the default level the
 * log has no line per connection, and the access log has exactly one per connection, naming its
 * client and the worker that served it.
 */
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
        Path accessLog = dir.resolve("access.log");
        DaemonUnderTest daemon = daemons.start(dir, Map.of("pool.min", "3", "pool.max", "4",
                "log.access-file", accessLog.toString()));
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
        Await.until(Duration.ofSeconds(15), () -> AccessLogFile.lines(accessLog).size() >= connections,
                connections + " access log lines");

        List<String> lines = daemon.logLines();
        Map<Integer, Long> started = new java.util.HashMap<>();
        for (DaemonUnderTest.WorkerEvent event : daemon.workerEvents()) {
            if (event.started()) {
                started.put(event.slot(), event.pid());
            }
        }
        for (String line : lines) {
            Matcher m = LINE.matcher(line);
            assertTrue(m.matches(), () -> "log line without timestamp and process, or a fragment: '" + line + "'");
            if (m.group(4) != null) {
                int slot = Integer.parseInt(m.group(4));
                long pid = Long.parseLong(m.group(2));
                assertEquals(started.get(slot), Long.valueOf(pid), () -> "worker line names the pid started in its slot: " + line);
                assertFalse(line.contains("127.0.0.1:"), () -> "a worker's line about one connection at the default level: " + line);
            } else {
                assertEquals(daemon.pid(), Long.parseLong(m.group(2)), () -> "supervisor line names its pid: " + line);
            }
        }

        List<String> access = AccessLogFile.lines(accessLog);
        assertEquals(connections, access.size(), "one access log line per connection");
        Set<Integer> seenPorts = new HashSet<>();
        for (String line : access) {
            Matcher m = AccessLogFile.LINE.matcher(line);
            assertTrue(m.matches(), () -> "access log line of another form, or a fragment: '" + line + "'");
            int slot = Integer.parseInt(m.group(2));
            assertEquals(started.get(slot), Long.valueOf(m.group(3)), () -> "the access log names the slot's worker: " + line);
            assertEquals("0", m.group(4), () -> "the thread of a worker with one: " + line);
            assertEquals(m.group(5), m.group(6), () -> "an echo sends back what it read: " + line);
            assertEquals("ok", m.group(8), () -> "every connection went well: " + line);
            seenPorts.add(Integer.parseInt(m.group(1)));
        }
        assertEquals(new HashSet<>(clientPorts), seenPorts, "one access log line per client port");
        System.out.println("LoggingIT: " + lines.size() + " log lines and " + access.size() + " access log lines checked, "
                + connections + " connections; for example: " + access.get(0));
    }
}
