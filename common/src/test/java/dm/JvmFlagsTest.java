package dm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * bin/dm-env (the launchers' flags) and dm.JvmFlags (the workers' flags) must list the same JVM
 * flags. The shell file is evaluated by sh itself, against a fake JDK whose release file names
 * the feature release, so this reads exactly what the launchers would pass.
 */
class JvmFlagsTest {

    @TempDir
    Path fakeJdk;

    @ParameterizedTest
    @ValueSource(ints = {17, 21, 24, 25})
    void dmEnvListsExactlyTheFlagsOfJvmFlags(int feature) throws IOException, InterruptedException {
        Path repo = Path.of(System.getProperty("user.dir")).getParent(); // common/ -> repository root
        Path dmEnv = repo.resolve("bin/dm-env");
        Files.createDirectories(fakeJdk.resolve("bin"));
        Path java = Files.createFile(fakeJdk.resolve("bin/java"));
        java.toFile().setExecutable(true);
        Files.writeString(fakeJdk.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + feature + ".0.1\"\n");

        ProcessBuilder builder = new ProcessBuilder("sh", "-c", ". \"$1\" && printf '%s\\n' \"$DM_JVM_FLAGS\"", "sh",
                dmEnv.toString());
        builder.environment().put("JAVA_HOME", fakeJdk.toString());
        builder.environment().put("DM_HOME", repo.toString());
        builder.redirectInput(new File("/dev/null")).redirectErrorStream(true);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(30, TimeUnit.SECONDS);
        assertEquals(0, process.exitValue(), output);

        List<String> fromShell = Arrays.asList(output.strip().split("\n"));
        assertEquals(JvmFlags.forFeatureRelease(feature), fromShell, "bin/dm-env for JDK " + feature);
    }
}
