package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

import dm.it.kit.Await;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.Echo;
import dm.it.kit.Exec;
import dm.it.kit.Ports;
import dm.it.kit.Processes;
import dm.it.kit.Repo;

/**
 * What 'mvn package' ships: the tar.gz, the Debian package (contents, conffiles, maintainer scripts,
 * install and purge on this machine when root), and the systemd units, which must pass
 * systemd-analyze verify without a single line of output.
 */
@Isolated("installs the package on this machine")
@ExtendWith(DmExtension.class)
class PackagingIT {
    private static Path target;
    private static Path deb;
    private static Path tarball;
    private static boolean installedByUs;

    @TempDir
    static Path work;

    @BeforeAll
    static void findArtifacts() throws IOException {
        target = Repo.root().resolve("ctl/target");
        try (Stream<Path> files = Files.list(target)) {
            List<Path> all = files.toList();
            deb = all.stream().filter(p -> p.getFileName().toString().matches("dm_.*_all\\.deb")).findFirst()
                    .orElseThrow(() -> new AssertionError("no dm_*_all.deb in " + target));
            tarball = all.stream().filter(p -> p.getFileName().toString().matches("dm-.*-dist\\.tar\\.gz")).findFirst()
                    .orElseThrow(() -> new AssertionError("no dm-*-dist.tar.gz in " + target));
        }
    }

    @AfterAll
    static void purgeWhatWeInstalled() {
        if (installedByUs && Exec.run(work, "dpkg", "-s", "dm").exitCode() == 0) {
            Exec.run(work, "dpkg", "--purge", "dm");
        }
    }

    private static String output(String... command) {
        Exec.Result result = Exec.run(work, command);
        assertEquals(0, result.exitCode(), String.join(" ", command) + ": " + result.output());
        return result.output();
    }

    @Test
    void tarballHasTheLayout() throws Exception {
        String listing = output("tar", "tzf", tarball.toString());
        String base = tarball.getFileName().toString().replace("-dist.tar.gz", "") + "/";
        for (String entry : List.of("bin/dm-daemon", "bin/dm-ctl", "bin/dm-env", "bin/dm-jsvc", "bin/jvm.args",
                "bin/jvm-jdk24.args", "conf/server.properties", "conf/logback.xml", "systemd/dm.socket", "systemd/dm.service",
                "README.md", "LICENSE")) {
            assertTrue(listing.contains(base + entry + "\n"), "tar.gz lacks " + entry);
        }
        // One lib/ for every command: each jar once.
        for (String jar : List.of("dm-daemon", "commons-daemon", "dm-ctl", "logback-classic", "picocli")) {
            assertEquals(1, listing.lines().filter(l -> l.matches(".*/lib/" + jar + "-[0-9].*\\.jar")).count(), "lib/" + jar);
        }
        assertTrue(listing.lines().noneMatch(l -> l.contains("/lib/daemon/") || l.contains("/lib/ctl/")), "no lib/daemon, lib/ctl");
        assertTrue(output("tar", "tvzf", tarball.toString()).lines()
                .filter(l -> l.endsWith("/bin/dm-daemon")).allMatch(l -> l.startsWith("-rwxr-xr-x")), "bin/ executable");
    }

    /** The launchers of the unpacked tar.gz find their jars and the JVM flags (bin/jvm.args) and run. */
    @Test
    void theUnpackedTarballRuns() throws Exception {
        Path unpacked = work.resolve("tar-run");
        Files.createDirectories(unpacked);
        output("tar", "xzf", tarball.toString(), "-C", unpacked.toString(), "--strip-components=1");
        Exec.Result check = Exec.run(work, unpacked.resolve("bin/dm-daemon").toString(), "--check");
        assertEquals(0, check.exitCode(), check.toString());
        assertTrue(check.output().contains(unpacked.resolve("conf/server.properties").toString()), check.toString());
        Exec.Result version = Exec.run(work, unpacked.resolve("bin/dm-ctl").toString(), "--version");
        assertEquals(0, version.exitCode(), version.toString());
    }

    @Test
    void debianPackageContentsConffilesAndScripts() throws Exception {
        String contents = output("dpkg-deb", "-c", deb.toString());
        for (String path : List.of("./usr/share/dm/bin/dm-daemon", "./usr/share/dm/bin/dm-ctl", "./usr/share/dm/bin/dm-jsvc",
                "./usr/share/dm/bin/jvm.args", "./usr/share/dm/bin/jvm-jdk24.args",
                "./etc/dm/server.properties", "./etc/dm/logback.xml", "./lib/systemd/system/dm.socket",
                "./lib/systemd/system/dm.service", "./usr/bin/dm-ctl", "./usr/bin/dm-daemon")) {
            assertTrue(contents.contains(path), "package lacks " + path);
        }
        assertTrue(contents.contains("./usr/share/dm/conf -> /etc/dm"), "conf link");
        for (String path : List.of("./usr/share/doc/dm/copyright", "./usr/share/doc/dm/changelog.gz",
                "./usr/share/man/man8/dm-daemon.8.gz", "./usr/share/man/man8/dm-ctl.8.gz", "./usr/share/man/man8/dm-jsvc.8.gz",
                "./usr/share/bash-completion/completions/dm-ctl", "./usr/share/bash-completion/completions/dm-daemon",
                "./usr/share/lintian/overrides/dm")) {
            assertTrue(contents.contains(path + "\n"), "package lacks " + path);
        }
        List<String> jars = contents.lines().filter(l -> l.endsWith(".jar")).map(l -> l.substring(l.indexOf("./usr/"))).toList();
        assertTrue(jars.stream().allMatch(j -> j.startsWith("./usr/share/dm/lib/") && j.indexOf('/', "./usr/share/dm/lib/".length()) < 0),
                "every jar in the one /usr/share/dm/lib: " + jars);
        // Each jar once (jffi and jffi-native are two): the names without their version.
        assertEquals(jars.size(), jars.stream().map(j -> j.replaceFirst("-[0-9][^-/]*", "")).distinct().count(),
                "each jar once: " + jars);
        assertTrue(contents.lines().filter(l -> l.endsWith("./usr/bin/dm-ctl")).allMatch(l -> l.startsWith("-rwxr-xr-x")));

        Path control = work.resolve("control");
        output("dpkg-deb", "-e", deb.toString(), control.toString());
        assertEquals(List.of("/etc/dm/server.properties", "/etc/dm/logback.xml"),
                Files.readAllLines(control.resolve("conffiles")).stream().map(String::strip).sorted(
                        java.util.Comparator.reverseOrder()).toList());
        for (String script : List.of("postinst", "prerm", "postrm")) {
            assertTrue(Files.isExecutable(control.resolve(script)), script + " executable");
            assertEquals(0, Exec.run(work, "sh", "-n", control.resolve(script).toString()).exitCode(), script);
        }
        assertTrue(Files.readString(control.resolve("postinst")).contains("adduser --quiet --system --group"));
        for (String script : List.of("postinst", "prerm", "postrm")) {
            // Units are enabled, started and stopped through deb-systemd-helper and deb-systemd-invoke.
            assertTrue(Files.readAllLines(control.resolve(script)).stream().map(String::strip)
                    .filter(l -> !l.startsWith("#") && l.matches(".*\\bsystemctl\\b.*"))
                    .allMatch(l -> l.contains("systemctl --system daemon-reload")), script + " calls systemctl only to reload");
        }
        String info = output("dpkg-deb", "-I", deb.toString());
        assertTrue(info.contains("Package: dm") && info.contains("Architecture: all"), info);
        assertTrue(info.contains(" Depends: default-jre-headless (>= 2:1.17) | java17-runtime-headless, adduser\n"), info);
        String version = output("dpkg-deb", "-f", deb.toString(), "Version").strip();

        Path extracted = work.resolve("x");
        output("dpkg-deb", "-x", deb.toString(), extracted.toString());
        assertTrue(Files.readString(extracted.resolve("etc/dm/server.properties"))
                .contains("\nscoreboard.file = /run/dm/scoreboard\n"), "/etc/dm/server.properties: scoreboard in /run/dm");

        // The changelog's latest entry is this version (add an entry to debian/changelog for a new one).
        String changelog = output("zcat", extracted.resolve("usr/share/doc/dm/changelog.gz").toString());
        assertTrue(changelog.startsWith("dm (" + version + ") "), "debian/changelog's latest entry is not " + version
                + ":\n" + changelog.lines().findFirst().orElse(""));
        // debian/copyright names every bundled jar (Files: usr/share/dm/lib/NAME-*.jar) with its license.
        String copyright = Files.readString(extracted.resolve("usr/share/doc/dm/copyright"));
        for (String jar : jars) {
            String name = Path.of(jar).getFileName().toString().replaceFirst("-[0-9][^/]*\\.jar$", "");
            assertTrue(copyright.contains(" usr/share/dm/lib/" + name + "-*.jar"),
                    "debian/copyright does not cover " + jar + " (add usr/share/dm/lib/" + name + "-*.jar with its license)");
        }
        // The manual pages are whole (man renders them without a warning) and name the package's configuration.
        for (String page : List.of("dm-daemon", "dm-ctl", "dm-jsvc")) {
            Path file = extracted.resolve("usr/share/man/man8/" + page + ".8.gz");
            if (Files.isExecutable(Path.of("/usr/bin/man"))) {
                // What lintian runs: groff's warnings on stderr, the rendered page thrown away.
                Exec.Result man = Exec.run(work, Duration.ofSeconds(60), List.of("sh", "-c",
                        "LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z \"$1\" 2>&1 >/dev/null", "man",
                        file.toString()));
                assertEquals(0, man.exitCode(), man::toString);
                assertEquals("", man.output().strip(), page + ".8: man warnings");
            }
            String troff = output("zcat", file.toString());
            assertTrue(troff.contains("\n.SH NAME\n" + page.replace("-", "\\-") + " \\- "), page + ": NAME");
            assertTrue(troff.contains("/etc/dm/server.properties"), page + ": the configuration file");
        }
        String ctlPage = output("zcat", extracted.resolve("usr/share/man/man8/dm-ctl.8.gz").toString());
        for (String word : List.of("\\-wdown", "\\-restart", ".SS status", ".SS metrics", ".SH \"EXIT STATUS\"")) {
            assertTrue(ctlPage.contains(word), "dm-ctl.8 lacks " + word);
        }
        String completion = Files.readString(extracted.resolve("usr/share/bash-completion/completions/dm-ctl"));
        assertTrue(!completion.startsWith("#!") && completion.contains("complete ") && completion.contains("status"), completion);
    }

    /** Units from the tar.gz with /usr/share/dm pointed at the unpacked tree (verify wants ExecStart to exist). */
    @Test
    void systemdUnitsVerifyWithoutAnyWarning() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")), "needs systemd-analyze");
        Path unpacked = work.resolve("tar");
        Files.createDirectories(unpacked);
        output("tar", "xzf", tarball.toString(), "-C", unpacked.toString(), "--strip-components=1");
        Path units = work.resolve("units");
        Files.createDirectories(units);
        for (String unit : List.of("dm.socket", "dm.service")) {
            String text = Files.readString(unpacked.resolve("systemd").resolve(unit));
            Files.writeString(units.resolve(unit), text.replace("/usr/share/dm/", unpacked + "/"));
        }
        String service = Files.readString(units.resolve("dm.service"));
        for (String line : List.of("StandardInput=socket", "StandardOutput=journal", "StandardError=journal", "User=dm",
                "RuntimeDirectory=dm", "KillMode=mixed", "NoNewPrivileges=yes", "ProtectSystem=strict")) {
            assertTrue(service.contains("\n" + line + "\n"), "dm.service lacks " + line);
        }
        Exec.Result verify = Exec.run(work, "systemd-analyze", "verify", units.resolve("dm.socket").toString(),
                units.resolve("dm.service").toString());
        assertEquals(0, verify.exitCode(), verify.output());
        assertEquals("", verify.output().strip(), "systemd-analyze verify must print nothing");
    }

    /** dpkg -i on this machine, the installed layout at work, dpkg --purge leaves nothing. Root only. */
    @Test
    void installsRunsAndPurgesCleanly(Daemons daemons) throws Exception {
        assumeTrue(Processes.thisJvmIsRoot(), "needs root");
        assumeTrue(Exec.run(work, "dpkg", "-s", "dm").exitCode() != 0, "a dm package is already installed");
        assumeTrue(Exec.run(work, "id", "dm").exitCode() != 0, "a dm account already exists: not ours to delete");
        assumeTrue(!Files.exists(Path.of("/etc/dm")), "/etc/dm exists");

        Exec.Result install = Exec.run(work, Duration.ofSeconds(120), List.of("dpkg", "-i", deb.toString()));
        installedByUs = true;
        assertEquals(0, install.exitCode(), install.output());
        assertEquals(0, Exec.run(work, "id", "dm").exitCode(), "postinst created the dm account");
        assertTrue(Files.isExecutable(Path.of("/usr/bin/dm-ctl")));
        // The default configuration is /etc/dm/server.properties, through /usr/share/dm/conf.
        Exec.Result check = Exec.run(work, "/usr/bin/dm-daemon", "--check");
        assertEquals(0, check.exitCode(), check.output());
        assertTrue(check.output().contains("/usr/share/dm/conf/server.properties"), check.output());
        if (Files.isExecutable(Path.of("/usr/bin/systemd-analyze"))) {
            Exec.Result verify = Exec.run(work, "systemd-analyze", "verify", "/lib/systemd/system/dm.socket",
                    "/lib/systemd/system/dm.service");
            assertEquals(0, verify.exitCode(), verify.output());
            assertEquals("", verify.output().strip(), "installed units verify silently");
        }
        // The installed program runs as dm (as dm.service would), on a private configuration.
        Path run = work.resolve("run");
        Files.createDirectories(run);
        output("chown", "dm:dm", run.toString());
        int port = Ports.free();
        Path config = work.resolve("server.properties");
        Files.writeString(config, "server.port = " + port + "\nscoreboard.file = run/scoreboard\npool.min = 1\n");
        output("chmod", "755", work.toString());
        daemons.watch(work);
        Process daemon = Exec.start(work, List.of("setpriv", "--reuid=dm", "--regid=dm", "--clear-groups",
                "/usr/bin/dm-daemon", "-c", config.toString())).process();
        try {
            Await.until(Duration.ofSeconds(30), () -> Echo.answers(port), "the installed daemon to answer");
            Exec.Result down = Exec.run(work, "/usr/bin/dm-ctl", "-c", config.toString(), "-wdown");
            assertEquals(0, down.exitCode(), down.output());
            assertTrue(daemon.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        } finally {
            Processes.killTree(daemon.toHandle());
        }

        Exec.Result purge = Exec.run(work, Duration.ofSeconds(120), List.of("dpkg", "--purge", "dm"));
        assertEquals(0, purge.exitCode(), purge.output());
        installedByUs = false;
        for (String path : List.of("/usr/share/dm", "/etc/dm", "/usr/bin/dm-ctl", "/usr/bin/dm-daemon", "/usr/bin/dm-jsvc",
                "/lib/systemd/system/dm.service", "/lib/systemd/system/dm.socket", "/usr/share/doc/dm",
                "/usr/share/man/man8/dm-ctl.8.gz", "/usr/share/bash-completion/completions/dm-ctl",
                "/var/lib/systemd/deb-systemd-helper-enabled/dm.service.dsh-also")) {
            assertFalse(Files.exists(Path.of(path), java.nio.file.LinkOption.NOFOLLOW_LINKS), path + " left after purge");
        }
        assertTrue(Exec.run(work, "id", "dm").exitCode() != 0, "dm account left after purge");
        assertTrue(Exec.run(work, "getent", "group", "dm").exitCode() != 0, "dm group left after purge");
    }
}
