package dm.it;

import static dm.it.ServiceSupport.await;
import static dm.it.ServiceSupport.echo;
import static dm.it.ServiceSupport.echoes;
import static dm.it.ServiceSupport.pidsWith;
import static dm.it.ServiceSupport.uidOf;
import static dm.it.ServiceSupport.workerPids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dm.ExitCodes;

/**
 * dm under jsvc (bin/dm-jsvc), started as root with an unprivileged -user: the port below 1024 is
 * bound in init(), supervisor and workers run as that user, the socket survives SIGUSR1 (log reopen)
 * and worker respawns, and every way out leaves no process. Needs root and /usr/bin/jsvc
 * (.ci/install-service-deps installs it); skipped otherwise.
 */
class JsvcIT {
    private static final String USER = "dmjsvcit";
    private static final Path JSVC = Path.of("/usr/bin/jsvc");
    private static final Path JDK25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
    private static boolean createdUser;
    private static int uid;

    private Path dir;
    private String marker;

    @BeforeAll
    static void createUser() throws Exception {
        assumeTrue(ServiceSupport.isRoot(), "needs root (jsvc -user, a port below 1024)");
        assumeTrue(Files.isExecutable(JSVC), "needs " + JSVC + " (apt-get install jsvc)");
        if (ServiceSupport.run("id", "-u", USER).exitCode() != 0) {
            ServiceSupport.Result added = ServiceSupport.run("useradd", "--system", "--no-create-home", "--home-dir",
                    "/nonexistent", "--shell", "/usr/sbin/nologin", USER);
            assertEquals(0, added.exitCode(), added.output());
            createdUser = true;
        }
        uid = Integer.parseInt(ServiceSupport.run("id", "-u", USER).output().strip());
    }

    @AfterAll
    static void removeUser() throws Exception {
        if (createdUser) {
            ServiceSupport.run("userdel", USER);
        }
    }

    @BeforeEach
    void makeDirectory() throws IOException {
        dir = Files.createTempDirectory("dm-jsvc-it-");
        marker = dir.toString();
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.copy(ServiceSupport.repoRoot().resolve("conf/logback.xml"), dir.resolve("logback.xml"));
        Files.createDirectories(dir.resolve("run"));
        Files.createDirectories(dir.resolve("log"));
    }

    @AfterEach
    void cleanUp() {
        ServiceSupport.killAll(marker);
        ServiceSupport.deleteTree(dir);
    }

    private Path config(int port, String scoreboard) throws IOException {
        Path file = dir.resolve("server.properties");
        ServiceSupport.write(file, "server.port = " + port + "\nscoreboard.file = " + scoreboard
                + "\npool.min = 2\npool.max = 4\nshutdown.timeout-ms = 5000\nsupervisor.tick-ms = 100\n");
        return file;
    }

    private Map<String, String> environment(String javaHome) {
        Map<String, String> env = new HashMap<>();
        env.put("DM_USER", USER);
        env.put("DM_PIDFILE", dir.resolve("run/dm-jsvc.pid").toString());
        env.put("DM_LOGFILE", dir.resolve("log/dm.log").toString());
        env.put("JAVA_HOME", javaHome);
        return env;
    }

    private ServiceSupport.Result dmJsvc(Map<String, String> env, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>();
        command.add(ServiceSupport.repoRoot().resolve("bin/dm-jsvc").toString());
        command.addAll(List.of(args));
        return ServiceSupport.run(command, env, Duration.ofSeconds(60));
    }

    private void chownToUser(Path... paths) throws Exception {
        for (Path path : paths) {
            assertEquals(0, ServiceSupport.run("chown", "-R", USER, path.toString()).exitCode());
        }
    }

    static Stream<Arguments> runs() {
        String jdk17 = System.getProperty("java.home");
        Stream.Builder<Arguments> runs = Stream.builder();
        runs.add(Arguments.of(jdk17, "jsvc -stop"));
        runs.add(Arguments.of(jdk17, "kill -9 supervisor"));
        runs.add(Arguments.of(Files.isDirectory(JDK25) ? JDK25.toString() : jdk17, "dm-ctl -wdown"));
        return runs.build();
    }

    @ParameterizedTest(name = "{1} ({0})")
    @MethodSource("runs")
    void privilegedPortUnprivilegedUserSocketSurvivesLogReopenAndRespawn(String javaHome, String howToStop)
            throws Exception {
        int port = ServiceSupport.freePrivilegedPort();
        Path config = config(port, "run/scoreboard");
        chownToUser(dir.resolve("run"), dir.resolve("log"));
        Map<String, String> env = environment(javaHome);

        long started = System.nanoTime();
        ServiceSupport.Result start = dmJsvc(env, "-c", config.toString(), "start");
        assertEquals(0, start.exitCode(), start.output() + log());
        long supervisor = Long.parseLong(Files.readString(dir.resolve("run/dm-jsvc.pid")).strip());
        await("2 workers and an echo on port " + port, Duration.ofSeconds(30),
                () -> workerPids(marker).size() >= 2 && echoes(port));
        System.out.printf("[JsvcIT] %s: dm-jsvc start to serving on port %d: %d ms%n", javaHome, port,
                (System.nanoTime() - started) / 1_000_000);

        assertEquals(uid, uidOf(supervisor), "supervisor (jsvc child) runs as " + USER);
        List<Long> workers = workerPids(marker);
        for (long worker : workers) {
            assertEquals(uid, uidOf(worker), "worker " + worker + " runs as " + USER);
        }

        // SIGUSR1: jsvc reopens its log files. With -keepstdin fd 0 (the socket) is left alone.
        // Rotate the log the way logrotate does, so that the reopen is observable.
        Files.move(dir.resolve("log/dm.log"), dir.resolve("log/dm.log.1"));
        assertEquals(0, ServiceSupport.run("kill", "-USR1", Long.toString(supervisor)).exitCode());
        await("jsvc to reopen its log", Duration.ofSeconds(10), () -> fdTarget(supervisor, 1).endsWith("/dm.log"));
        assertTrue(fdTarget(supervisor, 0).startsWith("socket:"), "fd 0 after SIGUSR1: " + fdTarget(supervisor, 0));
        // Kill every worker: only the respawned ones can answer, and only if they got the socket.
        for (long worker : workers) {
            ProcessHandle.of(worker).ifPresent(ProcessHandle::destroyForcibly);
        }
        try {
            await("at least 2 respawned workers", Duration.ofSeconds(30), () -> {
                List<Long> now = workerPids(marker);
                // At least pool.min; the spare policy may have added one for a busy probe meanwhile.
                return now.size() >= 2 && now.stream().noneMatch(workers::contains);
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; killed " + workers + ", now " + workerPids(marker) + log(), e);
        }
        for (int i = 0; i < 20; i++) {
            echo(port, "after respawn " + i, 10_000);
        }
        for (long worker : workerPids(marker)) {
            assertEquals(uid, uidOf(worker));
        }

        long stopping = System.nanoTime();
        switch (howToStop) {
            case "jsvc -stop" -> {
                ServiceSupport.Result stop = dmJsvc(env, "-c", config.toString(), "stop");
                assertEquals(0, stop.exitCode(), stop.output());
            }
            case "dm-ctl -wdown" -> {
                Map<String, String> ctlEnv = Map.of("JAVA_HOME", javaHome);
                ServiceSupport.Result stop = ServiceSupport.run(List.of(ServiceSupport.repoRoot().resolve("bin/dm-ctl")
                        .toString(), "-c", config.toString(), "-wdown"), ctlEnv, Duration.ofSeconds(60));
                assertEquals(0, stop.exitCode(), stop.output());
            }
            case "kill -9 supervisor" -> {
                ProcessHandle.of(supervisor).ifPresent(ProcessHandle::destroyForcibly);
                // The workers notice within about 100 ms and halt: the port is free again.
                await("the workers of the killed supervisor gone", Duration.ofSeconds(5),
                        () -> workerPids(marker).isEmpty());
                System.out.printf("[JsvcIT] %s: kill -9 supervisor to no worker left: %d ms%n", javaHome,
                        (System.nanoTime() - stopping) / 1_000_000);
                // jsvc's controller restarts a service killed by a signal (after 60 s when it ran less
                // than 60 s): that is jsvc's crash recovery, and not this test's business.
                for (long pid : pidsWith(marker)) {
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
            default -> throw new IllegalArgumentException(howToStop);
        }
        await("no process left after " + howToStop, Duration.ofSeconds(15), () -> pidsWith(marker).isEmpty());
        System.out.printf("[JsvcIT] %s: %s to no process left: %d ms%n", javaHome, howToStop,
                (System.nanoTime() - stopping) / 1_000_000);
        assertFalse(echoes(port), "port " + port + " still answers");
        if (!howToStop.startsWith("kill")) {
            assertFalse(Files.exists(dir.resolve("run/scoreboard")), "scoreboard removed");
            assertFalse(Files.exists(dir.resolve("run/dm-jsvc.pid")), "pid file removed");
        }
    }

    /** {@code dm-jsvc run}: jsvc -nodetach in the foreground, log on stdout; SIGTERM stops it and its workers. */
    @Test
    void foregroundRunServesAndStopsOnSigterm() throws Exception {
        int port = ServiceSupport.freePrivilegedPort();
        Path config = config(port, "run/scoreboard");
        chownToUser(dir.resolve("run"), dir.resolve("log"));
        List<String> command = List.of(ServiceSupport.repoRoot().resolve("bin/dm-jsvc").toString(), "-c",
                config.toString(), "run");
        Path output = dir.resolve("log/foreground.out");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(environment(System.getProperty("java.home")));
        Process jsvc = builder.start();
        try {
            await("2 workers and an echo on port " + port + " in the foreground", Duration.ofSeconds(30),
                    () -> workerPids(marker).size() >= 2 && echoes(port));
            assertTrue(Files.readString(output).contains("supervisor: listening on"),
                    "the log goes to the foreground's stdout");
            assertEquals(0, ServiceSupport.run("kill", "-TERM", Long.toString(jsvc.pid())).exitCode());
            assertTrue(jsvc.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "jsvc -nodetach ends on SIGTERM");
            await("no worker left", Duration.ofSeconds(10), () -> workerPids(marker).isEmpty());
            assertFalse(echoes(port), "port " + port + " still answers");
        } finally {
            jsvc.destroyForcibly();
        }
    }

    @Test
    void missingUserIsOneLineAndExitCode67() throws Exception {
        Path config = config(ServiceSupport.ephemeralPort(), "run/scoreboard");
        Map<String, String> env = environment(System.getProperty("java.home"));
        env.put("DM_USER", "dm-no-such-user");
        ServiceSupport.Result start = dmJsvc(env, "-c", config.toString(), "start");
        assertEquals(ExitCodes.NO_SUCH_USER, start.exitCode(), start.output());
        assertEquals("dm-jsvc: no such user 'dm-no-such-user' (create it, or set DM_USER)", start.output().strip());
        assertTrue(pidsWith(marker).isEmpty());
    }

    @Test
    void withoutTheRightToBindIsExitCode71() throws Exception {
        int port = ServiceSupport.freePrivilegedPort();
        Path config = config(port, "run/scoreboard");
        chownToUser(dir.resolve("run"), dir.resolve("log"));
        Map<String, String> env = environment(System.getProperty("java.home"));
        // jsvc started by the unprivileged user itself: no CAP_NET_BIND_SERVICE in init().
        List<String> command = List.of("setpriv", "--reuid=" + USER, "--regid=" + USER, "--clear-groups",
                ServiceSupport.repoRoot().resolve("bin/dm-jsvc").toString(), "-c", config.toString(), "start");
        ServiceSupport.Result start = ServiceSupport.run(command, env, Duration.ofSeconds(60));
        assertEquals(ExitCodes.CANNOT_LISTEN, start.exitCode(), start.output() + log());
        assertTrue(start.output().contains("dm-jsvc: cannot listen on 127.0.0.1:" + port + ": permission denied"),
                start.output());
        await("nothing left running", Duration.ofSeconds(5), () -> pidsWith(marker).isEmpty());
    }

    @Test
    void unwritableRuntimeDirectoryIsExitCode77() throws Exception {
        Path config = config(ServiceSupport.freePrivilegedPort(), "root-only/scoreboard");
        Files.createDirectories(dir.resolve("root-only")); // root's, 0755: the user cannot create the scoreboard
        chownToUser(dir.resolve("run"), dir.resolve("log"));
        ServiceSupport.Result start = dmJsvc(environment(System.getProperty("java.home")), "-c", config.toString(),
                "start");
        assertEquals(ExitCodes.PERMISSION_DENIED, start.exitCode(), start.output() + log());
        assertTrue(start.output().strip().startsWith("dm-jsvc: permission denied: " + dir.resolve("root-only")),
                start.output());
        await("nothing left running", Duration.ofSeconds(5), () -> pidsWith(marker).isEmpty());
    }

    @Test
    void secondStartIsExitCode73AndLeavesTheFirstAlone() throws Exception {
        int port = ServiceSupport.freePrivilegedPort();
        Path config = config(port, "run/scoreboard");
        chownToUser(dir.resolve("run"), dir.resolve("log"));
        Map<String, String> env = environment(System.getProperty("java.home"));
        assertEquals(0, dmJsvc(env, "-c", config.toString(), "start").exitCode(), log());
        ServiceSupport.Result again = dmJsvc(env, "-c", config.toString(), "start");
        assertEquals(ExitCodes.ALREADY_RUNNING, again.exitCode(), again.output());
        await("the first still serving", Duration.ofSeconds(30), () -> echoes(port));
        assertNotEquals(0, workerPids(marker).size());
        assertEquals(0, dmJsvc(env, "-c", config.toString(), "stop").exitCode());
        await("no process left", Duration.ofSeconds(15), () -> pidsWith(marker).isEmpty());
    }

    private static String fdTarget(long pid, int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "fd", Integer.toString(fd))).toString();
        } catch (IOException e) {
            return "";
        }
    }

    private String log() {
        try {
            return "\n--- log ---\n" + Files.readString(dir.resolve("log/dm.log"));
        } catch (IOException e) {
            return "";
        }
    }
}
