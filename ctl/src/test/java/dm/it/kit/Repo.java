package dm.it.kit;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

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

    /** conf/server.properties as shipped: every key with its value, stripped, in key order. */
    public static Map<String, String> shippedSettings() {
        Properties shipped = new Properties();
        try (InputStream in = Files.newInputStream(root().resolve("conf/server.properties"))) {
            shipped.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        shipped.stringPropertyNames().stream().sorted().forEach(key -> settings.put(key, shipped.getProperty(key).strip()));
        return settings;
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
