package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dm.it.kit.Checks;
import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.Echo;
import dm.it.kit.Exec;
import dm.it.kit.PoolStatus;
import dm.it.kit.Ports;
import dm.it.kit.Processes;

/**
 * Requirement 7: every refused start says why in one line on stderr, exits with its own code, and
 * leaves nothing: no worker, a free port, no scoreboard or lock.
 */
@ExtendWith(DmExtension.class)
class BadConfigIT {
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private int port;

    /** dm-daemon runs here that end by themselves: their workers, if any were left, are this test's. */
    @BeforeEach
    void watchTheTestDirectory(Daemons daemons) {
        daemons.watch(dir);
    }

    /** A configuration on a port that was free just now, plus {@code overrides}. */
    private Path config(Map<String, String> overrides) {
        port = Ports.free();
        Map<String, String> properties = DaemonUnderTest.defaults(dir);
        properties.put("server.port", Integer.toString(port));
        properties.putAll(overrides);
        return DaemonUnderTest.writeConfig(dir, "server.properties", properties);
    }

    /** Runs dm-daemon -c config; checks exit code, the one stderr line, and that nothing was left. */
    private Exec.Result assertRefused(Path config, int exitCode, String... mentions) {
        Exec.Result result = Exec.daemon(dir, TIMEOUT, "-c", config.toString());
        System.out.println("BadConfigIT: exit " + result.exitCode() + ", stderr: " + result.stderr().strip());
        assertEquals(exitCode, result.exitCode(), () -> "exit code: " + result);
        Checks.assertOneLine("stderr", result.stderr());
        assertTrue(result.stderr().startsWith("dm-daemon: "), () -> "stderr names the command: " + result);
        for (String mention : mentions) {
            assertTrue(result.stderr().contains(mention), () -> "stderr should mention '" + mention + "': " + result);
        }
        assertFalse(result.stdout().matches("(?s).*worker \\d+ \\(slot \\d+\\) started.*"), () -> "a worker was started: " + result);
        assertTrue(Processes.dmJvmsMentioning(config).isEmpty(), () -> "dm JVMs left:" + Processes.describe(Processes.dmJvmsMentioning(config)));
        return result;
    }

    private void assertNothingLeft() {
        assertTrue(Ports.isFree(port), "port " + port + " is still free");
        assertEquals(List.of(), Checks.scoreboardLeftovers(dir), "scoreboard files left in " + dir);
    }

    @Test
    void unknownKey() {
        Path config = config(Map.of("pool.minimum", "3"));
        assertRefused(config, 78, "unknown key", "'pool.minimum'", config.toString());
        assertNothingLeft();
    }

    @Test
    void wrongType() {
        assertRefused(config(Map.of("pool.min", "abc")), 78, "pool.min", "'abc'", "not an integer");
        assertNothingLeft();
    }

    @Test
    void portOutOfRange() {
        assertRefused(config(Map.of("server.port", "70000")), 78, "server.port", "'70000'", "between 0 and 65535");
        assertNothingLeft();
    }

    @Test
    void poolMinAbovePoolMax() {
        assertRefused(config(Map.of("pool.min", "5", "pool.max", "3")), 78, "pool.min = 5", "pool.max = 3");
        assertNothingLeft();
    }

    @Test
    void missingConfigurationFile() {
        config(Map.of());
        Path missing = dir.resolve("no-such.properties");
        assertRefused(missing, 78, missing.toString(), "not found");
        assertNothingLeft();
    }

    @Test
    void unreadableConfigurationFile() throws IOException {
        Path config = config(Map.of());
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("---------"));
        assumeFalse(Files.isReadable(config), "running as root: chmod 000 does not stop reading");
        assertRefused(config, 78, config.toString(), "not readable");
        assertNothingLeft();
    }

    @Test
    void missingHandlerClass() {
        assertRefused(config(Map.of("worker.handler", "com.example.NoSuchHandler")), 78,
                "worker.handler", "com.example.NoSuchHandler", "class not found");
        assertNothingLeft();
    }

    @Test
    void metricsListenNotAnAddress() {
        assertRefused(config(Map.of("metrics.listen", "9105")), 78, "metrics.listen", "'9105'", "HOST:PORT");
        assertNothingLeft();
    }

    @Test
    void metricsPortAlreadyInUse() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            assertRefused(config(Map.of("metrics.listen", "127.0.0.1:" + taken.getLocalPort())), 71, "metrics.listen",
                    "127.0.0.1:" + taken.getLocalPort(), "address already in use");
        }
        assertNothingLeft();
    }

    @Test
    void portAlreadyInUse() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            Path config = config(Map.of("server.port", Integer.toString(taken.getLocalPort())));
            port = taken.getLocalPort();
            assertRefused(config, 71, "127.0.0.1:" + port, "address already in use");
        }
        assertNothingLeft();
    }

    @Test
    void secondDaemonOnTheSameScoreboard(Daemons daemons) throws IOException {
        DaemonUnderTest first = daemons.start(dir, Map.of());
        Path scoreboard = dir.resolve("dm.scoreboard");
        Map<String, String> properties = DaemonUnderTest.defaults(dir);
        port = Ports.free();
        properties.put("server.port", Integer.toString(port));
        Path second = DaemonUnderTest.writeConfig(dir, "second.properties", properties);

        assertRefused(second, 73, "already owns scoreboard", scoreboard.toString(), "pid " + first.pid());
        assertTrue(Ports.isFree(port), "the second daemon's port is still free");

        // The first daemon is untouched and still serves.
        assertTrue(first.process().isAlive(), "first daemon alive");
        try (Echo echo = new Echo(first.port())) {
            echo.roundTrip(Echo.randomBytes(new Random(), 10_000));
        }
        PoolStatus status = first.status();
        assertEquals(first.pid(), status.supervisorPid(), "scoreboard still the first daemon's");
        assertEquals("normal", status.parentStatus());
    }

    @Test
    void checkAcceptsAGoodFile() {
        Path config = config(Map.of());
        Exec.Result result = Exec.daemon(dir, TIMEOUT, "--check", "-c", config.toString());
        assertEquals(0, result.exitCode(), () -> "dm-daemon --check: " + result);
        assertTrue(result.stdout().contains("configuration OK"), () -> "dm-daemon --check: " + result);
        assertEquals("", result.stderr(), "nothing on stderr");
        assertTrue(Processes.dmJvmsMentioning(config).isEmpty(), "no worker started by --check");
        assertNothingLeft();
    }
}
