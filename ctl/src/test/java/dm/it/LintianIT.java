package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dm.it.kit.Exec;
import dm.it.kit.Repo;

/**
 * Issue 12, item 7: lintian, Debian's package checker, on the built .deb: no error, and no warning
 * that debian/lintian-overrides does not list with its reason. Runs where lintian is installed
 * (.ci/install-service-deps installs it); the whole output is printed for the build log.
 */
class LintianIT {
    @TempDir
    Path work;

    @Test
    void thePackagePassesLintian() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/lintian")), "needs lintian (apt-get install lintian)");
        Path target = Repo.root().resolve("ctl/target");
        Path deb;
        try (Stream<Path> files = Files.list(target)) {
            deb = files.filter(p -> p.getFileName().toString().matches("dm_.*_all\\.deb")).findFirst()
                    .orElseThrow(() -> new AssertionError("no dm_*_all.deb in " + target));
        }
        // --display-info: the informational tags too, for the log; only errors and warnings fail the test.
        Exec.Result lintian = Exec.run(work, Duration.ofSeconds(300),
                List.of("lintian", "--display-info", "--show-overrides", "--tag-display-limit", "0", deb.toString()));
        System.out.println("LintianIT: lintian " + deb.getFileName() + " (" + Files.size(deb) + " bytes), exit "
                + lintian.exitCode() + ":\n" + lintian.output());
        List<String> failing = new ArrayList<>();
        for (String line : lintian.stdout().lines().toList()) {
            if (line.startsWith("E: ") || line.startsWith("W: ")) {
                failing.add(line);
            }
        }
        assertEquals(List.of(), failing, "lintian errors and warnings (fix them, or override one in"
                + " debian/lintian-overrides with the reason):\n" + lintian.output());
    }

    /** Each override says why, on the comment line right above it. */
    @Test
    void everyOverrideHasItsReason() throws Exception {
        List<String> lines = Files.readAllLines(Repo.root().resolve("debian/lintian-overrides"));
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.isEmpty() && !line.startsWith("#")) {
                int at = i;
                assertTrue(i > 0 && lines.get(i - 1).strip().startsWith("#") && lines.get(i - 1).strip().length() > 10,
                        () -> "debian/lintian-overrides line " + (at + 1) + ": '" + line + "' has no reason above it");
            }
        }
    }
}
