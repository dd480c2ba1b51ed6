package dm.it.kit;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Where the checkout is, and how to start its launchers the way a user would. */
public final class Repo {
    private Repo() {
    }

    public static Path root() {
        String repo = System.getProperty("dm.repo");
        Path root = repo != null ? Path.of(repo) : Path.of("..");
        root = root.toAbsolutePath().normalize();
        if (!Files.isExecutable(root.resolve("bin/dm-daemon"))) {
            throw new IllegalStateException("no bin/dm-daemon under " + root + " (set -Ddm.repo)");
        }
        return root;
    }

    public static String daemonLauncher() {
        return root().resolve("bin/dm-daemon").toString();
    }

    public static String ctlLauncher() {
        return root().resolve("bin/dm-ctl").toString();
    }

    /**
     * A ProcessBuilder with a clean environment: the JDK that runs the tests (JAVA_HOME), no stdin,
     * and none of the variables that would change what the launchers do or print.
     */
    public static ProcessBuilder processBuilder(List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.remove("DM_HOME");
        env.remove("DM_DAEMON_JAVA_OPTS");
        env.remove("DM_CTL_JAVA_OPTS");
        env.remove("JAVA_TOOL_OPTIONS");
        env.remove("JDK_JAVA_OPTIONS");
        env.remove("_JAVA_OPTIONS");
        // Under a systemd service the log format changes (JournalLayout); JournaldIT sets it itself.
        env.remove("JOURNAL_STREAM");
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        return builder;
    }
}
