package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dm.it.kit.Ports;
import dm.it.kit.Checks;
import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.Echo;
import dm.it.kit.Exec;
import dm.it.kit.Processes;
import dm.it.kit.Repo;

/**
 * Issue 9, items 3 and 4: {@code dm-daemon --check} finds what the start would fail on, and the
 * start fails on it with the same line and the same exit code (78 configuration, 71 cannot listen,
 * 77 permission), before it starts anything, leaving nothing behind.
 */
@ExtendWith(DmExtension.class)
class StartupCheckIT {
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private Daemons daemons;

    @BeforeEach
    void watchTheTestDirectory(Daemons daemons) {
        this.daemons = daemons;
        daemons.watch(dir);
    }

    private int port;

    /** A configuration on a port that was free just now, plus {@code overrides}. */
    private Path config(Map<String, String> overrides) {
        port = Ports.free();
        Map<String, String> properties = DaemonUnderTest.defaults(dir);
        properties.put("server.port", Integer.toString(port));
        properties.putAll(overrides);
        return DaemonUnderTest.writeConfig(dir, "server.properties", properties);
    }

    /**
     * --check, then the start: both exit with {@code exitCode} and the one stderr line that
     * mentions everything in {@code mentions}; the start leaves nothing behind. Returns the line.
     */
    private String assertCheckAndStartRefuse(Path config, int exitCode, String... mentions) {
        return assertCheckAndStartRefuse(List.of(), config, exitCode, mentions);
    }

    private String assertCheckAndStartRefuse(List<String> prefix, Path config, int exitCode, String... mentions) {
        Exec.Result check = run(prefix, "--check", "-c", config.toString());
        Exec.Result start = run(prefix, "-c", config.toString());
        System.out.println("StartupCheckIT: --check exit " + check.exitCode() + " in " + check.elapsed().toMillis()
                + " ms, start exit " + start.exitCode() + " in " + start.elapsed().toMillis() + " ms: " + start.stderr().strip());
        for (Exec.Result result : List.of(check, start)) {
            assertEquals(exitCode, result.exitCode(), () -> "exit code: " + result);
            Checks.assertOneLine("stderr", result.stderr());
            assertTrue(result.stderr().startsWith("dm-daemon: "), () -> "stderr names the command: " + result);
            for (String mention : mentions) {
                assertTrue(result.stderr().contains(mention), () -> "stderr should mention '" + mention + "': " + result);
            }
        }
        assertEquals(check.stderr(), start.stderr(), "--check and the start say the same");
        assertEquals("", start.stdout(), "the start logged nothing: it started nothing");
        assertTrue(Processes.mentioning(config).isEmpty(), () -> "dm JVMs left:" + Processes.describe(Processes.mentioning(config)));
        assertTrue(Ports.isFree(port), "port " + port + " is free");
        return start.stderr().strip();
    }

    private Exec.Result run(List<String> prefix, String... args) {
        List<String> command = new ArrayList<>(prefix);
        command.add(Repo.daemonLauncher());
        command.addAll(List.of(args));
        return Exec.run(dir, TIMEOUT, command);
    }

    @Test
    void aJvmOptionTheJvmRefuses(Daemons daemons) {
        Path config = config(Map.of("worker.jvm-options", "-XX:+UseSerialGC -XX:+NoSuchOption"));
        assertCheckAndStartRefuse(config, 78, config + ": worker.jvm-options = '-XX:+UseSerialGC -XX:+NoSuchOption':"
                + " the JVM refuses them: Unrecognized VM option 'NoSuchOption'");
        assertEquals(List.of(), Checks.scoreboardLeftovers(dir));
    }

    @Test
    void aWordTheJvmWouldTakeForItsMainClass(Daemons daemons) {
        Path config = config(Map.of("worker.jvm-options", "-Xmx64m Xss512k"));
        assertCheckAndStartRefuse(config, 78, "worker.jvm-options = '-Xmx64m Xss512k': the JVM refuses them:",
                "Xss512k");
    }

    @Test
    void aPortInUse(Daemons daemons) throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            Path config = config(Map.of("server.port", Integer.toString(taken.getLocalPort())));
            assertCheckAndStartRefuse(config, 71, "dm-daemon: cannot listen on 127.0.0.1:" + taken.getLocalPort()
                    + ": address already in use");
        }
    }

    @Test
    void anAddressNotOnThisHost(Daemons daemons) {
        // 192.0.2.0/24 is TEST-NET-1: never assigned to a machine. Nothing is sent: bind() fails locally.
        Path config = config(Map.of("server.bind", "192.0.2.1"));
        assertCheckAndStartRefuse(config, 71, "dm-daemon: cannot listen on 192.0.2.1:" + port
                + ": address not available on this machine");
    }

    @Test
    void aPortWrittenIntoServerBindGetsAHint(Daemons daemons) {
        Path config = config(Map.of("server.bind", "127.0.0.1:27808"));
        assertCheckAndStartRefuse(config, 78, config + ": server.bind = '127.0.0.1:27808': takes the address alone: put"
                + " the port in server.port (server.port = 27808)");
    }

    @Test
    void theScoreboardsDirectoryIsAFile(Daemons daemons) throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("run"), "");
        Path scoreboard = notADirectory.resolve("dm.scoreboard");
        Path config = config(Map.of("scoreboard.file", scoreboard.toString()));
        assertCheckAndStartRefuse(config, 78, "dm-daemon: scoreboard.file = " + scoreboard + ": " + notADirectory
                + " is not a directory");
    }

    @Test
    void theScoreboardPathIsADirectory(Daemons daemons) throws IOException {
        Path scoreboard = Files.createDirectory(dir.resolve("dm.scoreboard"));
        Path config = config(Map.of());
        assertCheckAndStartRefuse(config, 78, "dm-daemon: scoreboard.file = " + scoreboard + ": the scoreboard "
                + scoreboard + " is a directory");
        assertTrue(Files.isDirectory(scoreboard), "left as it was");
    }

    @Test
    void theScoreboardsDirectoryIsNotWritable(Daemons daemons) throws IOException {
        List<String> asNobody = new ArrayList<>();
        if (System.getProperty("user.name").equals("root")) {
            // Root may write anywhere: run the daemon as nobody, who may read the test's files but not write here.
            assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv to drop root");
            asNobody = List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path run = Files.createDirectory(dir.resolve("run"));
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("r-xr-xr-x"));
        Path scoreboard = run.resolve("dm.scoreboard");
        Path config = config(Map.of("scoreboard.file", scoreboard.toString()));
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
        assertCheckAndStartRefuse(asNobody, config, 77, "dm-daemon: permission denied: " + run + ": user ",
                " may not read and write there (scoreboard.file = " + scoreboard + ")");
    }

    @Test
    void aDuplicateKeyNamesBothLines(Daemons daemons) throws IOException {
        Path config = config(Map.of());
        List<String> lines = new ArrayList<>(Files.readAllLines(config));
        lines.add("pool.max = 8");
        Files.write(config, lines);
        int first = lines.indexOf("pool.max = 4") + 1;
        assertCheckAndStartRefuse(config, 78, config + ": duplicate key 'pool.max': on line " + first
                + " and again on line " + lines.size() + " (keep one)");
    }

    @Test
    void aHugeValueIsCutInTheLine(Daemons daemons) {
        Path config = config(Map.of("pool.min", "7".repeat(1_000_000)));
        String line = assertCheckAndStartRefuse(config, 78, "pool.min = '" + "7".repeat(80) + "… (1000000 characters)':"
                + " not an integer");
        assertTrue(line.length() < 300, "a readable line: " + line.length() + " characters");
    }

    @Test
    void checkBindsAndReleasesTheAddress(Daemons daemons) {
        Path config = config(Map.of());
        Exec.Result check = run(List.of(), "--check", "-c", config.toString());
        assertEquals(0, check.exitCode(), () -> "--check: " + check);
        assertEquals("", check.stderr());
        assertEquals("dm-daemon: can listen on 127.0.0.1:" + port + " (bound and released)\n"
                + "dm-daemon: configuration OK: " + config + "\n", check.stdout());
        assertTrue(Ports.isFree(port), "released");
        assertEquals(List.of(), Checks.scoreboardLeftovers(dir), "--check creates no scoreboard");
    }

    @Test
    void checkWhileTheDaemonRunsLeavesItsSocketAlone(Daemons daemons) throws IOException {
        DaemonUnderTest daemon = daemons.start(dir, Map.of());
        Exec.Result check = run(List.of(), "--check", "-c", daemon.config().toString());
        assertEquals(0, check.exitCode(), () -> "--check beside the running daemon: " + check);
        assertTrue(check.stdout().contains("dm-daemon: a daemon (pid " + daemon.pid() + ") runs on this scoreboard and"
                + " holds the listening socket: address not probed"), () -> "--check: " + check);
        try (Echo echo = new Echo(daemon.port())) {
            echo.roundTrip("still serving\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    @Test
    void checkSaysTheSocketWillComeFromSystemd(Daemons daemons) throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")) || Files.isExecutable(Path.of("/bin/python3")),
                "needs python3");
        // server.bind is unusable here: with a socket on fd 0 it is not used, so --check must not try it.
        Path config = config(Map.of("server.bind", "192.0.2.1"));
        Exec.Result check = Exec.run(dir, TIMEOUT, List.of("python3", "-c", String.join("\n",
                "import socket, subprocess, sys",
                "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(8)",
                "print('port', s.getsockname()[1], file=sys.stderr)",
                "sys.exit(subprocess.call(sys.argv[1:], stdin=s.fileno()))"),
                Repo.daemonLauncher(), "--check", "-c", config.toString()));
        assertEquals(0, check.exitCode(), () -> "--check with a socket on fd 0: " + check);
        String held = check.stderr().strip().replace("port ", "");
        assertEquals("dm-daemon: the listening socket will come from fd 0 (127.0.0.1:" + held + ", as systemd passes"
                + " it): server.bind, server.port, server.backlog and server.defer-accept-ms are not used\n"
                + "dm-daemon: configuration OK: " + config + "\n", check.stdout());
    }

    @Test
    void checkReportsEveryProblemAndExitsWithTheFirstOnesCode(Daemons daemons) throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            Path config = config(Map.of("server.port", Integer.toString(taken.getLocalPort()),
                    "worker.jvm-options", "-XX:+NoSuchOption"));
            Exec.Result check = run(List.of(), "--check", "-c", config.toString());
            assertEquals(78, check.exitCode(), () -> "--check: " + check);
            String[] lines = check.stderr().split("\n");
            assertEquals(2, lines.length, () -> "two problems, one line each: " + check);
            assertTrue(lines[0].endsWith("the JVM refuses them: Unrecognized VM option 'NoSuchOption'"), lines[0]);
            assertEquals("dm-daemon: cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": address already in use",
                    lines[1]);
            assertFalse(check.stdout().contains("configuration OK"), () -> "--check: " + check);
        }
    }
}
