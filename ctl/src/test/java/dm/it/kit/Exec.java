package dm.it.kit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Runs a launcher to completion (or starts it), stdout and stderr captured apart. */
public final class Exec {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    /** A finished command. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr, Duration elapsed) {
        @Override
        public String toString() {
            return String.join(" ", command) + " -> exit " + exitCode + " in " + elapsed.toMillis() + " ms\n--- stdout:\n"
                    + stdout + "--- stderr:\n" + stderr + "---";
        }
    }

    /** A command still running. */
    public static final class Running {
        public final List<String> command;
        public final Process process;
        public final Path out;
        public final Path err;
        final long startNanos = System.nanoTime();

        Running(List<String> command, Process process, Path out, Path err) {
            this.command = command;
            this.process = process;
            this.out = out;
            this.err = err;
        }

        public Result await(Duration timeout) {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    Processes.killTree(process.toHandle());
                    throw new AssertionError("still running after " + timeout.toMillis() + " ms: " + String.join(" ", command)
                            + "\nstdout: " + read(out) + "\nstderr: " + read(err));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                Processes.killTree(process.toHandle());
                throw new AssertionError("interrupted", e);
            }
            return new Result(command, process.exitValue(), read(out), read(err),
                    Duration.ofNanos(System.nanoTime() - startNanos));
        }
    }

    private Exec() {
    }

    public static Running start(Path dir, List<String> command) {
        int n = COUNTER.incrementAndGet();
        Path out = dir.resolve("exec-" + n + ".out");
        Path err = dir.resolve("exec-" + n + ".err");
        try {
            Process process = Repo.processBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            return new Running(command, process, out, err);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command, e);
        }
    }

    public static Result run(Path dir, Duration timeout, List<String> command) {
        return start(dir, command).await(timeout);
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
        return ctlAsync(dir, config, args).await(Duration.ofSeconds(60));
    }

    public static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }
}
