package dm.it.kit;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The daemons of one test. A test asks for it as a parameter; {@link DmExtension} keeps it in the
 * test's extension store and, after the test, shows their logs if it failed, kills them, and checks
 * that no dm JVM of the test's directories is left.
 */
public final class Daemons {
    private final List<DaemonUnderTest> started = new CopyOnWriteArrayList<>();
    private final Set<Path> directories = ConcurrentHashMap.newKeySet();
    /** Those of every test of the class, checked once more after the class. */
    private final Set<Path> classDirectories;

    Daemons(Set<Path> classDirectories) {
        this.classDirectories = classDirectories;
    }

    /** Writes {@code dir/server.properties} from {@link DaemonUnderTest#defaults} plus {@code overrides} and starts a daemon on it. */
    public DaemonUnderTest start(Path dir, Map<String, String> overrides) {
        Map<String, String> properties = DaemonUnderTest.defaults(dir);
        properties.putAll(overrides);
        return start(dir, DaemonUnderTest.writeConfig(dir, "server.properties", properties));
    }

    /** The same with {@code environment} added to the daemon's (and so its workers'). */
    public DaemonUnderTest start(Path dir, Map<String, String> overrides, Map<String, String> environment) {
        Map<String, String> properties = DaemonUnderTest.defaults(dir);
        properties.putAll(overrides);
        return start(dir, DaemonUnderTest.writeConfig(dir, "server.properties", properties), environment);
    }

    /** Starts bin/dm-daemon -c config in {@code dir}; returns once it logged its listening port. */
    public DaemonUnderTest start(Path dir, Path config) {
        return start(dir, config, Map.of());
    }

    public DaemonUnderTest start(Path dir, Path config, Map<String, String> environment) {
        watch(dir);
        DaemonUnderTest daemon = DaemonUnderTest.start(dir, config, environment);
        started.add(daemon);
        return daemon;
    }

    /** Dm JVMs whose command line names {@code dir} are the test's, also when the test started them some other way. */
    public void watch(Path dir) {
        directories.add(dir.toAbsolutePath());
        classDirectories.add(dir.toAbsolutePath());
    }

    /**
     * Only this test's: other test classes run at the same time (see junit-platform.properties), and
     * their daemons are theirs to check.
     */
    Set<Path> directories() {
        return Set.copyOf(directories);
    }

    List<DaemonUnderTest> started() {
        return List.copyOf(started);
    }
}
