package dm.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dm.ExitCodes;
import dm.JvmFlags;
import dm.config.ServerConfig;
import dm.config.Settings;
import dm.text.Shown;

/**
 * Starts {@code java} once with worker.jvm-options (and the flags every worker gets) and
 * {@code -version}, to learn before any worker starts whether the JVM accepts them: an unknown
 * option, a heap it cannot reserve, a stray word taken for a main class.
 */
final class JvmOptionsCheck {
    private static final long TIMEOUT_SECONDS = 60;
    /** Enough of the JVM's complaint to find its first line; the rest is drained unread. */
    private static final int MAX_OUTPUT_BYTES = 64 * 1024;
    /** The launcher's last words, which say nothing the first line has not. */
    private static final List<String> GENERIC = List.of("Error: Could not create the Java Virtual Machine.",
            "Error: A fatal exception has occurred. Program will exit.");

    private JvmOptionsCheck() {
    }

    static Optional<StartupProblem> check(ServerConfig config) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JvmFlags.forFeatureRelease(Runtime.version().feature()));
        command.addAll(config.workerJvmOptions());
        command.add("-version");
        String where = config.file() + ": " + Settings.WORKER_JVM_OPTIONS.key() + " = "
                + Shown.quoted(String.join(" ", config.workerJvmOptions()));
        Process process;
        try {
            process = new ProcessBuilder(command)
                    // Never the listening socket that may be on our fd 0.
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            return Optional.of(new StartupProblem(ExitCodes.FAILURE, "cannot start " + command.get(0) + ": " + e.getMessage()));
        }
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readBounded(process.getInputStream()),
                runnable -> {
                    Thread reader = new Thread(runnable, "jvm-options-check");
                    reader.setDaemon(true);
                    reader.start();
                });
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.of(new StartupProblem(ExitCodes.CONFIG, where + ": java -version with these options did"
                        + " not finish within " + TIMEOUT_SECONDS + " s"));
            }
            if (process.exitValue() == 0) {
                return Optional.empty();
            }
            String complaint = firstComplaint(output.get(TIMEOUT_SECONDS, TimeUnit.SECONDS), process.exitValue());
            return Optional.of(new StartupProblem(ExitCodes.CONFIG, where + ": the JVM refuses them: "
                    + Shown.value(complaint)));
        } catch (ExecutionException | TimeoutException e) {
            return Optional.of(new StartupProblem(ExitCodes.FAILURE, "cannot read the output of " + command.get(0) + ": "
                    + e.getMessage()));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return Optional.of(new StartupProblem(ExitCodes.FAILURE, "interrupted while checking worker.jvm-options"));
        }
    }

    /** The first line of the JVM's output that says what is wrong. */
    static String firstComplaint(String output, int exitCode) {
        for (String line : output.split("\\R")) {
            String stripped = line.strip();
            if (!stripped.isEmpty() && !GENERIC.contains(stripped)) {
                return stripped;
            }
        }
        return "java exited with code " + exitCode;
    }

    /** Reads everything (so the JVM never blocks on a full pipe) but keeps only the first bytes. */
    private static String readBounded(InputStream in) {
        byte[] kept = new byte[MAX_OUTPUT_BYTES];
        int length = 0;
        byte[] buffer = new byte[8192];
        try (in) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                int room = Math.min(n, kept.length - length);
                System.arraycopy(buffer, 0, kept, length, room);
                length += room;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new String(kept, 0, length, StandardCharsets.UTF_8);
    }
}
