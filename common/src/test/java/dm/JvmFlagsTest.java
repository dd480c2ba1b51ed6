package dm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The JVM flags are listed once, in bin/jvm.args and bin/jvm-jdk24.args. bin/dm-env (the launchers'
 * flags) and dm.JvmFlags (the workers' flags, from the copies in the jar) must read the same list out
 * of them. The shell file is evaluated by sh itself, against a fake JDK whose release file names the
 * feature release, so this reads exactly what the launchers would pass.
 */
class JvmFlagsTest {
    private static final Path REPO = Path.of(System.getProperty("user.dir")).getParent(); // common/ -> repository root

    @TempDir
    Path fakeJdk;

    @ParameterizedTest
    @ValueSource(ints = {17, 21, 24, 25})
    void dmEnvListsExactlyTheFlagsOfJvmFlags(int feature) throws IOException, InterruptedException {
        Files.createDirectories(fakeJdk.resolve("bin"));
        Path java = Files.createFile(fakeJdk.resolve("bin/java"));
        java.toFile().setExecutable(true);
        Files.writeString(fakeJdk.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + feature + ".0.1\"\n");

        ProcessBuilder builder = new ProcessBuilder("sh", "-c", ". \"$1\" && printf '%s\\n' \"$DM_JVM_FLAGS\"", "sh",
                REPO.resolve("bin/dm-env").toString());
        builder.environment().put("JAVA_HOME", fakeJdk.toString());
        builder.environment().put("DM_HOME", REPO.toString());
        builder.redirectInput(new File("/dev/null")).redirectErrorStream(true);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(30, TimeUnit.SECONDS);
        assertEquals(0, process.exitValue(), output);

        List<String> fromShell = Arrays.asList(output.strip().split("\n"));
        assertEquals(JvmFlags.forFeatureRelease(feature), fromShell, "bin/dm-env for JDK " + feature);
    }

    @Test
    void theListHasChroniclesFlagsAndTheJdk24OnesOnlyFromJdk24On() {
        List<String> jdk17 = JvmFlags.forFeatureRelease(17);
        assertTrue(jdk17.contains("--add-opens=java.base/java.lang=ALL-UNNAMED"), jdk17::toString);
        assertTrue(jdk17.contains("-Dchronicle.analytics.disable=true") && jdk17.contains("-Dchronicle.announcer.disable=true"),
                jdk17::toString);
        assertFalse(jdk17.contains("--enable-native-access=ALL-UNNAMED"), jdk17::toString);
        assertTrue(jdk17.contains("-XX:-UsePerfData"), () -> "no /tmp/hsperfdata_* per JVM: " + jdk17);
        List<String> jdk24 = JvmFlags.forFeatureRelease(24);
        assertEquals(jdk17, jdk24.subList(0, jdk17.size()));
        assertEquals(List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"),
                jdk24.subList(jdk17.size(), jdk24.size()));
    }

    /** The jar's copies are the files of bin/, not an older build's. */
    @Test
    void theJarCarriesTheFilesOfBin() throws IOException {
        for (String name : List.of("jvm.args", "jvm-jdk24.args")) {
            assertEquals(JvmFlags.parseArgFile(Files.readString(REPO.resolve("bin").resolve(name))),
                    JvmFlags.parseArgFile(new String(JvmFlags.class.getResourceAsStream(name).readAllBytes(),
                            StandardCharsets.UTF_8)), name);
        }
    }

    @Test
    void anArgFileIsWordsWithCommentsToTheEndOfTheLine() {
        assertEquals(List.of("-Da=1", "-Db=2", "-Dc=3"), JvmFlags.parseArgFile("# a comment\n-Da=1   # why\n\n  -Db=2 -Dc=3\n#\n"));
    }
}
