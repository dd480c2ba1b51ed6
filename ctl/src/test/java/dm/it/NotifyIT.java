package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dm.it.kit.Await;
import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.Exec;
import dm.it.kit.TextFiles;

/**
 * The real daemon under Type=notify, with systemd's side played by a small Python program bound to
 * an AF_UNIX datagram socket (NOTIFY_SOCKET) that writes down each datagram it gets:
 * READY=1 once pool.min workers accept, watchdog pings at half of WATCHDOG_USEC, RELOADING=1 ...
 * READY=1 around dm-ctl -restart, STOPPING=1 on -wdown, and no systemd variable in a worker's
 * environment. .ci/systemd-boot-test does the same under a real systemd.
 */
@ExtendWith(DmExtension.class)
class NotifyIT {
    /** argv: socket path. One line per datagram: milliseconds (monotonic), then its lines joined by " | ". */
    private static final String LISTENER = """
            import socket, sys, time
            s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            s.bind(sys.argv[1])
            print('bound', flush=True)
            while True:
                data = s.recv(4096).decode()
                print('%d %s' % (time.monotonic() * 1000, ' | '.join(data.strip().split('\\n'))), flush=True)
            """;
    private static final Pattern COUNTS = Pattern.compile("(\\d+) idle, (\\d+) busy");

    @TempDir
    Path dir;

    private Process listener;

    @AfterEach
    void stopListener() {
        if (listener != null) {
            listener.destroyForcibly();
        }
    }

    @Test
    void tellsSystemdReadyStatusWatchdogReloadingAndStopping(Daemons daemons) throws Exception {
        Path socket = dir.resolve("notify");
        Path received = dir.resolve("notify.log");
        Files.writeString(dir.resolve("listener.py"), LISTENER);
        listener = new ProcessBuilder(python(), dir.resolve("listener.py").toString(), socket.toString())
                .redirectErrorStream(true).redirectOutput(received.toFile()).start();
        Await.until(Duration.ofSeconds(10), () -> TextFiles.read(received).contains("bound"), "the listener to bind");

        DaemonUnderTest daemon = daemons.start(dir, Map.of("pool.min", "2", "pool.max", "3"),
                Map.of("NOTIFY_SOCKET", socket.toString(), "WATCHDOG_USEC", "2000000"));

        String ready = Await.value(Duration.ofSeconds(30), () -> datagrams(received).stream()
                .filter(d -> d.contains("READY=1")).findFirst(), "READY=1");
        assertTrue(ready.contains("STATUS=serving; workers: "), ready);
        Matcher counts = COUNTS.matcher(ready);
        assertTrue(counts.find(), ready);
        assertTrue(Integer.parseInt(counts.group(1)) + Integer.parseInt(counts.group(2)) >= 2,
                "READY=1 only once pool.min workers accept: " + ready);
        List<String> beforeReady = datagrams(received).subList(0, datagrams(received).indexOf(ready));
        assertTrue(beforeReady.stream().anyMatch(d -> d.contains("STATUS=starting: 0 of pool.min 2 workers accept")),
                "a starting status first: " + beforeReady);

        // Pings every second (half of WATCHDOG_USEC), whatever else happens.
        Await.until(Duration.ofSeconds(20), () -> pings(received).size() >= 5, "five watchdog pings");
        List<Long> times = pings(received);
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < times.size(); i++) {
            gaps.add(times.get(i) - times.get(i - 1));
        }
        System.out.println("NotifyIT: watchdog pings " + gaps + " ms apart as received (WATCHDOG_USEC 2 s)");
        // systemd, too, resets the watchdog when it reads a ping: no gap may reach WATCHDOG_USEC. The
        // listener's clock reads each ping when it gets to it, so the cadence is judged on average.
        assertTrue(gaps.stream().allMatch(gap -> gap < 2000), "every ping within WATCHDOG_USEC: " + gaps);
        long average = (times.get(times.size() - 1) - times.get(0)) / gaps.size();
        assertTrue(average >= 900 && average <= 1200, "a ping every second (half of WATCHDOG_USEC): " + gaps);

        // The supervisor speaks for the service; its workers do not see systemd's variables.
        assertTrue(environment(daemon.pid()).contains("NOTIFY_SOCKET=" + socket));
        for (ProcessHandle worker : daemon.workerProcesses()) {
            String environment = environment(worker.pid());
            assertFalse(environment.contains("NOTIFY_SOCKET=") || environment.contains("WATCHDOG_USEC="),
                    "worker " + worker.pid() + " environment: " + environment);
        }

        int seen = datagrams(received).size();
        Exec.Result restart = Exec.ctl(dir, daemon.config(), "-restart");
        assertEquals(0, restart.exitCode(), restart.toString());
        Await.until(Duration.ofSeconds(10), () -> datagrams(received).subList(seen, datagrams(received).size())
                .stream().anyMatch(d -> d.contains("READY=1")), "READY=1 after the restart");
        List<String> around = datagrams(received).subList(seen, datagrams(received).size());
        int reloading = indexOf(around, "RELOADING=1");
        assertTrue(reloading >= 0 && reloading < indexOf(around, "READY=1"), "RELOADING=1, then READY=1: " + around);
        assertTrue(around.get(reloading).contains("MONOTONIC_USEC="), around.get(reloading));
        assertTrue(around.get(reloading).contains("STATUS=restarting workers; "), around.get(reloading));

        int beforeStop = datagrams(received).size();
        Exec.Result wdown = Exec.ctl(dir, daemon.config(), "-wdown");
        assertEquals(0, wdown.exitCode(), wdown.toString());
        assertEquals(0, daemon.awaitExit(Duration.ofSeconds(30)));
        List<String> stopping = datagrams(received).subList(beforeStop, datagrams(received).size());
        assertTrue(stopping.stream().anyMatch(d -> d.contains("STOPPING=1")
                && d.contains("STATUS=going down (wait-down); ")), "STOPPING=1 on -wdown: " + stopping);
    }

    private static int indexOf(List<String> datagrams, String field) {
        for (int i = 0; i < datagrams.size(); i++) {
            if (datagrams.get(i).contains(field)) {
                return i;
            }
        }
        return -1;
    }

    /** The datagrams received so far, each as "MS FIELD | FIELD ...". */
    private static List<String> datagrams(Path received) {
        return TextFiles.completeLines(received).stream().filter(line -> !line.equals("bound")).toList();
    }

    private static List<Long> pings(Path received) {
        return datagrams(received).stream().filter(d -> d.contains("WATCHDOG=1"))
                .map(d -> Long.parseLong(d.substring(0, d.indexOf(' ')))).toList();
    }

    private static String environment(long pid) throws IOException {
        return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/environ")), StandardCharsets.UTF_8)
                .replace('\0', '\n');
    }

    private static String python() {
        return new File("/usr/bin/python3").canExecute() ? "/usr/bin/python3" : "python3";
    }
}
