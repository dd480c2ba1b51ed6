package dm.it.kit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Every integration test: gives it its {@link Daemons} (a parameter); on failure, prints their logs
 * (CI has nothing else); after it, and after each class, no dm JVM it started may be alive (leftovers
 * are killed, then fail the test); after a passing test, no JVM of its daemons may have crashed.
 * Test classes run two at a time, so each check looks only at its own test's directories.
 */
public final class DmExtension implements ParameterResolver, AfterEachCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(DmExtension.class);

    /** The test directories of one test class, in the class's store: orphans are recognised by them. */
    private static final class ClassDirectories {
        final Set<Path> paths = ConcurrentHashMap.newKeySet();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Daemons.class;
    }

    /** One per test method (its @BeforeEach methods get the same one). */
    @Override
    public Daemons resolveParameter(ParameterContext parameter, ExtensionContext context) {
        context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(EndOfRun.class, k -> new EndOfRun(), EndOfRun.class);
        return context.getStore(NAMESPACE).getOrComputeIfAbsent(Daemons.class, k -> new Daemons(classDirectories(context)),
                Daemons.class);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Daemons daemons = context.getStore(NAMESPACE).get(Daemons.class, Daemons.class);
        List<DaemonUnderTest> started = daemons == null ? List.of() : daemons.started();
        // Here, not in a TestWatcher: by then @TempDir, and the logs in it, are deleted.
        if (context.getExecutionException().isPresent()) {
            for (DaemonUnderTest daemon : started) {
                printLog(daemon, context.getDisplayName() + " failed");
            }
        }
        for (DaemonUnderTest daemon : started) {
            daemon.close();
        }
        assertNoLeftovers(daemons == null ? Set.of() : daemons.directories(), context.getDisplayName());
        if (context.getExecutionException().isEmpty()) {
            for (DaemonUnderTest daemon : started) {
                assertNoJvmCrash(daemon);
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        assertNoLeftovers(classDirectories(context), context.getDisplayName() + " (after all)");
    }

    /**
     * When every test of the run is done: no dm JVM started by this test JVM may be left, whichever
     * test started it (the checks after each test look only at that test's directories).
     */
    private static final class EndOfRun implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            List<ProcessHandle> left = Processes.dmJvmDescendants();
            if (!left.isEmpty()) {
                String described = Processes.describe(left);
                Processes.killAll(left);
                throw new AssertionError("dm JVMs still alive after the last test:" + described);
            }
        }
    }

    /** The class's context: a test method's parent, or its grandparent for a parameterized test. */
    private static Set<Path> classDirectories(ExtensionContext context) {
        ExtensionContext classContext = context;
        while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
            classContext = classContext.getParent().get();
        }
        return classContext.getStore(NAMESPACE).getOrComputeIfAbsent(ClassDirectories.class, k -> new ClassDirectories(),
                ClassDirectories.class).paths;
    }

    /** No JVM of the daemon crashed (a crash can hide behind a passing test: the supervisor replaces the worker). */
    private static void assertNoJvmCrash(DaemonUnderTest daemon) {
        List<String> crashes;
        try (Stream<Path> files = Files.list(daemon.dir())) {
            crashes = files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("hs_err_pid")).collect(Collectors.toList());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        List<String> lines = daemon.logLines().stream()
                .filter(l -> l.contains("A fatal error has been detected") || l.matches(".*killed by signal SIG(ABRT|SEGV|BUS).*"))
                .collect(Collectors.toList());
        if (!crashes.isEmpty() || !lines.isEmpty()) {
            printLog(daemon, "a dm JVM crashed");
            for (String crash : crashes) {
                // Keep the crash report (the test directory is deleted) and show its summary.
                try {
                    Path kept = Path.of("target", "jvm-crashes", crash);
                    Files.createDirectories(kept.getParent());
                    Files.copy(daemon.dir().resolve(crash), kept, StandardCopyOption.REPLACE_EXISTING);
                    System.out.println("===== " + crash + " (kept as " + kept.toAbsolutePath() + "):");
                    Files.readAllLines(kept).stream().limit(45).forEach(l -> System.out.println("  # " + l));
                } catch (IOException e) {
                    System.out.println("cannot keep " + crash + ": " + e);
                }
            }
            throw new AssertionError("a dm JVM crashed: " + crashes + " " + lines);
        }
    }

    /** The start and the end of a daemon's log (a load test logs tens of thousands of lines). */
    private static void printLog(DaemonUnderTest daemon, String why) {
        List<String> lines = daemon.logLines();
        System.out.println("===== " + why + "; daemon log " + daemon.logFile() + " (" + lines.size() + " lines):");
        int head = 60;
        int tail = 400;
        for (int i = 0; i < lines.size(); i++) {
            if (i == head && lines.size() > head + tail) {
                System.out.println("  | ... " + (lines.size() - head - tail) + " lines left out ...");
                i = lines.size() - tail;
            }
            System.out.println("  | " + lines.get(i));
        }
        System.out.println("===== end of daemon log");
    }

    private static void assertNoLeftovers(Set<Path> directories, String where) {
        List<ProcessHandle> leftovers;
        try {
            Await.until(Duration.ofSeconds(5), () -> Processes.leftovers(directories).isEmpty(), "no dm JVM left alive");
            return;
        } catch (AssertionError e) {
            leftovers = Processes.leftovers(directories);
        }
        String described = Processes.describe(leftovers);
        Processes.killAll(leftovers);
        throw new AssertionError(where + ": dm JVMs started by the tests still alive:" + described);
    }
}
