package dm.it.kit;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a command to completion with a deadline (or starts it), the way {@link Repo#processBuilder} sets
 * it up; stdout and stderr are captured apart, in files of the test directory, so that a child that
 * keeps them open never blocks the test.
 */
public final class Exec {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    private static final AtomicInteger COUNTER = new AtomicInteger();

    /** A finished command. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr, Duration elapsed) {
        /** stdout, then stderr: for checks that do not care which of the two a message went to. */
        public String output() {
            return stdout + stderr;
        }

        @Override
        public String toString() {
            return String.join(" ", command) + " -> exit " + exitCode + " in " + elapsed.toMillis() + " ms\n--- stdout:\n"
                    + stdout + "--- stderr:\n" + stderr + "---";
        }
    }

    /** A command still running. */
    public static final class Running {
        private final List<String> command;
        private final Process process;
        private final Path out;
        private final Path err;
        private final long startNanos = System.nanoTime();

        private Running(List<String> command, Process process, Path out, Path err) {
            this.command = command;
            this.process = process;
            this.out = out;
            this.err = err;
        }

        public Process process() {
            return process;
        }

        /** What it printed on stdout so far. */
        public String stdout() {
            return TextFiles.read(out);
        }

        /** The complete lines it printed on stdout so far. */
        public List<String> stdoutLines() {
            return TextFiles.completeLines(out);
        }

        public String stderr() {
            return TextFiles.read(err);
        }

        /** Waits for the end; past the deadline kills it and everything it started, and fails. */
        public Result await(Duration timeout) {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    Processes.killTree(process.toHandle());
                    throw new AssertionError("still running after " + timeout.toMillis() + " ms: " + String.join(" ", command)
                            + "\nstdout: " + stdout() + "\nstderr: " + stderr());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                Processes.killTree(process.toHandle());
                throw new AssertionError("interrupted", e);
            }
            return new Result(command, process.exitValue(), stdout(), stderr(), Duration.ofNanos(System.nanoTime() - startNanos));
        }
    }

    private Exec() {
    }

    public static Running start(Path dir, List<String> command) {
        return start(dir, command, Map.of());
    }

    /** Starts {@code command} with {@code environment} added to the clean one of {@link Repo#processBuilder}. */
    public static Running start(Path dir, List<String> command, Map<String, String> environment) {
        return start(dir, command, environment, ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    }

    /** The same with stdin from {@code input} ({@code Redirect.PIPE}: {@code process().getOutputStream()}). */
    static Running start(Path dir, List<String> command, Map<String, String> environment, ProcessBuilder.Redirect input) {
        int n = COUNTER.incrementAndGet();
        Path out = dir.resolve("exec-" + n + ".out");
        Path err = dir.resolve("exec-" + n + ".err");
        ProcessBuilder builder = Repo.processBuilder(command);
        builder.environment().putAll(environment);
        try {
            Process process = builder.redirectInput(input).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            return new Running(command, process, out, err);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command, e);
        }
    }

    public static Result run(Path dir, Duration timeout, List<String> command) {
        return start(dir, command).await(timeout);
    }

    public static Result run(Path dir, Duration timeout, List<String> command, Map<String, String> environment) {
        return start(dir, command, environment).await(timeout);
    }

    /** Runs {@code command} with a deadline of 60 s. */
    public static Result run(Path dir, String... command) {
        return run(dir, DEFAULT_TIMEOUT, List.of(command));
    }

    public static Result daemon(Path dir, Duration timeout, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Repo.daemonLauncher());
        command.addAll(Arrays.asList(args));
        return run(dir, timeout, command);
    }

    public static Running ctlAsync(Path dir, Path config, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Repo.ctlLauncher());
        if (config != null) {
            command.add("-c");
            command.add(config.toString());
        }
        command.addAll(Arrays.asList(args));
        return start(dir, command);
    }

    public static Result ctl(Path dir, Path config, String... args) {
        return ctlAsync(dir, config, args).await(DEFAULT_TIMEOUT);
    }
}
