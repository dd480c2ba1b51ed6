package dm.it.kit;

import java.util.List;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;


/**
 * Every integration test: on failure, print the logs of the daemons it started (CI has nothing else);
 * after it, and after each class, no dm JVM it started may be alive (leftovers are killed, then fail the test).
 */
public final class DmExtension implements BeforeEachCallback, AfterEachCallback, AfterAllCallback {

    @Override
    public void beforeEach(ExtensionContext context) {
        DaemonUnderTest.startedInThisTest().clear();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        // Here, not in a TestWatcher: by then @TempDir, and the logs in it, are deleted.
        if (context.getExecutionException().isPresent()) {
            printLogs(context);
        }
        for (DaemonUnderTest daemon : List.copyOf(DaemonUnderTest.startedInThisTest())) {
            daemon.close();
        }
        assertNoLeftovers(context.getDisplayName());
        if (context.getExecutionException().isEmpty()) {
            for (DaemonUnderTest daemon : DaemonUnderTest.startedInThisTest()) {
                assertNoJvmCrash(daemon);
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        assertNoLeftovers(context.getDisplayName() + " (after all)");
    }

    /** No JVM of the daemon crashed (a crash can hide behind a passing test: the supervisor replaces the worker). */
    private static void assertNoJvmCrash(DaemonUnderTest daemon) {
        List<String> crashes;
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(daemon.dir())) {
            crashes = files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("hs_err_pid")).collect(
                    java.util.stream.Collectors.toList());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        List<String> lines = daemon.logLines().stream()
                .filter(l -> l.contains("A fatal error has been detected") || l.matches(".*killed by signal SIG(ABRT|SEGV|BUS).*"))
                .collect(java.util.stream.Collectors.toList());
        if (!crashes.isEmpty() || !lines.isEmpty()) {
            printLog(daemon, "a dm JVM crashed");
            for (String crash : crashes) {
                // Keep the crash report (the test directory is deleted) and show its summary.
                try {
                    java.nio.file.Path kept = java.nio.file.Path.of("target", "jvm-crashes", crash);
                    java.nio.file.Files.createDirectories(kept.getParent());
                    java.nio.file.Files.copy(daemon.dir().resolve(crash), kept,
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    System.out.println("===== " + crash + " (kept as " + kept.toAbsolutePath() + "):");
                    java.nio.file.Files.readAllLines(kept).stream().limit(45).forEach(l -> System.out.println("  # " + l));
                } catch (java.io.IOException e) {
                    System.out.println("cannot keep " + crash + ": " + e);
                }
            }
            throw new AssertionError("a dm JVM crashed: " + crashes + " " + lines);
        }
    }

    private static void printLogs(ExtensionContext context) {
        for (DaemonUnderTest daemon : DaemonUnderTest.startedInThisTest()) {
            printLog(daemon, context.getDisplayName() + " failed");
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

    public static void assertNoLeftovers(String where) {
        List<ProcessHandle> leftovers;
        try {
            Await.until(java.time.Duration.ofSeconds(5), () -> Processes.leftovers().isEmpty(), "no dm JVM left alive");
            return;
        } catch (AssertionError e) {
            leftovers = Processes.leftovers();
        }
        String described = Processes.describe(leftovers);
        Processes.killAll(leftovers);
        throw new AssertionError(where + ": dm JVMs started by the tests still alive:" + described);
    }
}
