package dm.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dm.config.ServerConfig;

class JvmOptionsCheckTest {

    @TempDir
    Path dir;

    @Test
    void theFirstLineThatSaysWhatIsWrongIsKept() {
        assertEquals("Unrecognized VM option 'NoSuchOption'", JvmOptionsCheck.firstComplaint(
                "Unrecognized VM option 'NoSuchOption'\nError: Could not create the Java Virtual Machine.\n"
                        + "Error: A fatal exception has occurred. Program will exit.\n", 1));
        assertEquals("java exited with code 1", JvmOptionsCheck.firstComplaint(
                "\nError: Could not create the Java Virtual Machine.\n", 1));
    }

    /** One real JVM each way: the check must be able to say yes as well as no. */
    @Test
    void theJvmIsAskedForReal() throws Exception {
        Path good = Files.writeString(dir.resolve("good.properties"), "worker.jvm-options = -Xmx32m -Xss512k\n");
        assertEquals(Optional.empty(), JvmOptionsCheck.check(ServerConfig.load(good)));

        Path bad = Files.writeString(dir.resolve("bad.properties"), "worker.jvm-options = -Xmx32m -XX:+NoSuchOption\n");
        Optional<StartupProblem> problem = JvmOptionsCheck.check(ServerConfig.load(bad));
        assertTrue(problem.isPresent());
        assertEquals(new StartupProblem(78, bad + ": worker.jvm-options = '-Xmx32m -XX:+NoSuchOption': the JVM refuses"
                + " them: Unrecognized VM option 'NoSuchOption'"), problem.get());
    }
}
