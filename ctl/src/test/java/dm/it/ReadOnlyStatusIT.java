package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

import dm.it.kit.Await;
import dm.it.kit.Checks;
import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.Exec;
import dm.it.kit.PoolStatus;
import dm.it.kit.Processes;
import dm.it.kit.Repo;

/**
 * Issue 12, item 4: a member of the scoreboard's group (dm under systemd) runs dm-ctl status and
 * metrics with read access only; -wdown, -restart and -fdown refuse in one line; a user outside the
 * group reads nothing. Root only: the test makes a temporary group and user, and removes them.
 */
@ExtendWith(DmExtension.class)
@Isolated("makes and removes system users and groups")
class ReadOnlyStatusIT {
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String SUFFIX = Integer.toString(ThreadLocalRandom.current().nextInt(10000, 99999));
    /** The group that may read, like dm; and an operator in it (its own primary group, dm as a supplementary one). */
    static final String GROUP = "dmitro" + SUFFIX;
    static final String USER = "dmitop" + SUFFIX;
    private static final List<List<String>> CLEANUP = new ArrayList<>();

    @TempDir
    Path dir;

    /** Where the account commands of the class leave their output. */
    @TempDir
    static Path accounts;

    @BeforeAll
    static void makeGroupAndUser() {
        assumeTrue(Processes.thisJvmIsRoot(), "needs root (makes a group and a user)");
        for (String tool : List.of("/usr/bin/setpriv", "/usr/sbin/useradd", "/usr/sbin/groupadd")) {
            assumeTrue(Files.isExecutable(Path.of(tool)), "needs " + tool);
        }
        Path here = accounts;
        run(here, "groupadd", "--system", GROUP);
        CLEANUP.add(0, List.of("groupdel", GROUP));
        run(here, "useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin",
                "--user-group", "--groups", GROUP, USER);
        CLEANUP.add(0, List.of("userdel", USER));
    }

    @AfterAll
    static void removeThem() {
        Path here = accounts;
        for (List<String> command : CLEANUP) {
            Exec.run(here, Duration.ofSeconds(30), command);
        }
        // userdel removes the user's own group with it; should it not, that goes too.
        if (Exec.run(here, "getent", "group", USER).exitCode() == 0) {
            Exec.run(here, "groupdel", USER);
        }
        assertTrue(Exec.run(here, "getent", "passwd", USER).exitCode() != 0, USER + " left");
        assertTrue(Exec.run(here, "getent", "group", GROUP).exitCode() != 0, GROUP + " left");
    }

    private static String run(Path dir, String... command) {
        Exec.Result result = Exec.run(dir, command);
        assertEquals(0, result.exitCode(), result::toString);
        return result.stdout();
    }

    /** dm-ctl as USER: with the supplementary group GROUP ({@code member}) or without any. */
    private Exec.Running ctlAs(boolean member, Path config, Path tmp, String... args) {
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + USER, "--regid=" + USER,
                member ? "--init-groups" : "--clear-groups", Repo.ctlLauncher(), "-c", config.toString()));
        command.addAll(List.of(args));
        return Exec.start(dir, command, Map.of("DM_CTL_JAVA_OPTS", "-Djava.io.tmpdir=" + tmp, "HOME", "/nonexistent"));
    }

    private Exec.Result ctlAsMember(Path config, Path tmp, String... args) {
        return ctlAs(true, config, tmp, args).await(TIMEOUT);
    }

    @Test
    void theGroupReadsStatusAndMetricsAndChangesNothing(Daemons daemons) throws Exception {
        // The daemon runs as root here; its directory is setgid GROUP, so its files get GROUP, as
        // they get dm under systemd (User=dm, Group=dm).
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path run = dir.resolve("run");
        Files.createDirectories(run);
        run(dir, "chgrp", GROUP, run.toString());
        run(dir, "chmod", "2750", run.toString());
        Path tmp = dir.resolve("operator-tmp");
        Files.createDirectories(tmp);
        run(dir, "chown", USER + ":" + USER, tmp.toString());
        run(dir, "chmod", "700", tmp.toString());

        DaemonUnderTest daemon = daemons.start(dir, Map.of("scoreboard.file", run.resolve("scoreboard").toString(),
                "pool.min", "2", "pool.max", "2"));
        Files.setPosixFilePermissions(daemon.config(), PosixFilePermissions.fromString("rw-r--r--"));
        PoolStatus asRoot = daemon.awaitIdleWorkers(2, TIMEOUT);
        Path scoreboard = run.resolve("scoreboard");
        for (Path file : List.of(scoreboard, run.resolve("scoreboard.lock"))) {
            PosixFileAttributes attributes = Files.readAttributes(file, PosixFileAttributes.class);
            assertEquals("rw-r-----", PosixFilePermissions.toString(attributes.permissions()), file + " mode");
            assertEquals(GROUP, attributes.group().getName(), file + " group");
        }

        Exec.Result status = ctlAsMember(daemon.config(), tmp, "status");
        assertEquals(0, status.exitCode(), status::toString);
        PoolStatus seen = PoolStatus.parse(status.stdout());
        assertEquals(daemon.pid(), seen.supervisorPid(), status::toString);
        assertEquals(asRoot.workerPids(), seen.workerPids(), status::toString);
        Exec.Result json = ctlAsMember(daemon.config(), tmp, "status", "--json");
        assertEquals(0, json.exitCode(), json::toString);
        assertTrue(json.stdout().contains(Long.toString(daemon.pid())), json::toString);
        Exec.Result metrics = ctlAsMember(daemon.config(), tmp, "metrics");
        assertEquals(0, metrics.exitCode(), metrics::toString);
        assertTrue(metrics.stdout().lines().anyMatch(l -> l.startsWith("dm_")), metrics::toString);

        for (String command : List.of("-wdown", "-restart", "-fdown")) {
            Exec.Result refused = ctlAsMember(daemon.config(), tmp, command);
            assertEquals(77, refused.exitCode(), refused::toString);
            Checks.assertOneLine(command + " refused", refused.stderr());
            assertEquals("dm-ctl: permission denied: " + scoreboard + ": " + command + " needs write access to the scoreboard"
                    + " (run it as root or as user root); status and metrics need only read access", refused.stderr().strip());
        }
        assertTrue(daemon.process().isAlive(), "the daemon runs on");
        assertEquals(asRoot.workerPids(), daemon.status().workerPids(), "the refusals changed nothing");

        Exec.Result stranger = ctlAs(false, daemon.config(), tmp, "status").await(TIMEOUT);
        assertEquals(77, stranger.exitCode(), stranger::toString);
        // Outside the group it cannot even look into the directory (as /run/dm, mode 0750): it says so.
        assertEquals("dm-ctl: permission denied: " + run, stranger.stderr().strip());

        // --watch reads a fresh copy for each refresh, and ends when the daemon stops.
        Exec.Running watch = ctlAs(true, daemon.config(), tmp, "status", "--watch", "0.2");
        Await.until(TIMEOUT, () -> watch.stdout().split("\033\\[H\033\\[2J", -1).length > 3, "three refreshes of --watch");
        Exec.Result down = Exec.ctl(dir, daemon.config(), "-wdown");
        assertEquals(0, down.exitCode(), down::toString);
        Exec.Result watched = watch.await(TIMEOUT);
        assertEquals(0, watched.exitCode(), watched::toString);
        assertTrue(watched.stdout().endsWith("dm-ctl: the daemon has stopped\n"), watched::toString);

        try (var left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList(), "the private copies are removed");
        }
    }
}
