package dm.it;

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
    }

    @Override
    public void afterAll(ExtensionContext context) {
        assertNoLeftovers(context.getDisplayName() + " (after all)");
    }

    private static void printLogs(ExtensionContext context) {
        for (DaemonUnderTest daemon : DaemonUnderTest.startedInThisTest()) {
            System.out.println("===== " + context.getDisplayName() + " failed; daemon log " + daemon.logFile() + ":");
            daemon.logLines().forEach(line -> System.out.println("  | " + line));
            System.out.println("===== end of daemon log");
        }
    }

    static void assertNoLeftovers(String where) {
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
