package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
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
import dm.it.kit.Exec;
import dm.it.kit.PoolStatus;
import dm.it.kit.Repo;

/**
 * Issue 9, item 8: a client that resets its connection is the client's business. It is counted
 * (dm-ctl status, --json, metrics) and logged at DEBUG, never as a WARN "handler failed".
 */
@ExtendWith(DmExtension.class)
class ClientResetIT {
    static final int RESETS_WHILE_READING = 20;
    static final Pattern COUNTED = Pattern.compile("^connections: \\d+ accepted, \\d+ slow, (\\d+) reset by clients, ",
            Pattern.MULTILINE);

    @TempDir
    Path dir;

    @Test
    void aResetIsCountedAndLoggedAtDebugNotAsAHandlerFailure(Daemons daemons) throws Exception {
        // The shipped logging configuration with the workers at DEBUG, beside the test's server.properties.
        String logback = Files.readString(Repo.root().resolve("conf/logback.xml"));
        Files.writeString(dir.resolve("logback.xml"), logback.replace("<root level=\"INFO\">",
                "<logger name=\"worker\" level=\"DEBUG\"/>\n  <root level=\"INFO\">"));
        DaemonUnderTest daemon = daemons.start(dir, Map.of("pool.min", "2", "pool.max", "2"));
        daemon.awaitIdleWorkers(2, Duration.ofSeconds(30));

        Random random = new Random(9);
        for (int i = 0; i < RESETS_WHILE_READING; i++) {
            // One echo first, so that a worker is serving the connection and waits in read() for more.
            Echo echo = new Echo(daemon.port());
            echo.roundTrip(Echo.randomBytes(random, 100));
            echo.socket.setSoLinger(true, 0);
            echo.close();
        }
        // One reset with the echo unread: 64 KB sent (they fit the socket buffers both ways), then a RST once
        // a worker has the connection.
        try (Socket writer = new Socket()) {
            writer.connect(new InetSocketAddress("127.0.0.1", daemon.port()), 5_000);
            writer.getOutputStream().write(Echo.randomBytes(random, 64 * 1024));
            Await.until(Duration.ofSeconds(20), () -> daemon.status().accepted() == RESETS_WHILE_READING + 1,
                    "a worker accepts the last connection");
            writer.setSoLinger(true, 0);
        }
        int resets = RESETS_WHILE_READING + 1;

        String text = Await.value(Duration.ofSeconds(20), () -> {
            Exec.Result status = Exec.ctl(dir, daemon.config(), "status");
            Matcher m = COUNTED.matcher(status.stdout());
            return m.find() && Integer.parseInt(m.group(1)) == resets ? Optional.of(status.stdout()) : Optional.empty();
        }, resets + " client resets in dm-ctl status");
        System.out.println("ClientResetIT: dm-ctl status after " + resets + " resets:\n" + text);
        PoolStatus status = PoolStatus.parse(text);
        assertEquals(resets, status.accepted(), "every reset connection was accepted once");
        assertEquals(2, status.total(), "no worker died of a reset");

        Exec.Result json = Exec.ctl(dir, daemon.config(), "status", "--json");
        assertTrue(json.stdout().contains("\"client_resets\":" + resets + ","), () -> "status --json: " + json);
        Exec.Result metrics = Exec.ctl(dir, daemon.config(), "metrics");
        assertTrue(metrics.stdout().contains("\n# TYPE dm_client_resets_total counter\ndm_client_resets_total " + resets
                + ".0\n"), () -> "metrics: " + metrics);

        List<String> lines = Await.value(Duration.ofSeconds(10), () -> {
            List<String> all = daemon.logLines();
            long debug = all.stream().filter(l -> l.matches(".* DEBUG dm\\[\\d+\\] slot \\d: 127\\.0\\.0\\.1:\\d+ reset the"
                    + " connection: java\\.(net\\.Socket|io\\.IO)Exception: (Connection reset( by peer)?|Broken pipe)$")).count();
            return debug == resets ? Optional.of(all) : Optional.empty();
        }, resets + " DEBUG lines 'reset the connection'");
        // (The supervisor may warn that pool.max was reached while both workers were busy: not about resets.)
        List<String> warnings = lines.stream()
                .filter(l -> l.matches(".* (WARN|ERROR) +dm\\[\\d+\\] slot \\d+: .*") || l.contains("handler failed")).toList();
        assertEquals(List.of(), warnings, "no worker warns about a client reset");
        System.out.println("ClientResetIT: " + lines.stream().filter(l -> l.contains("reset the connection")).findFirst()
                .orElseThrow());
        // The pool serves on.
        try (Echo echo = new Echo(daemon.port())) {
            echo.roundTrip("still here\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new AssertionError("the pool no longer serves", e);
        }
    }
}
