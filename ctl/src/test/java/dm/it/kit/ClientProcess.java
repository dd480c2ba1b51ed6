package dm.it.kit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** {@code bin/dm-ctl client HOST PORT} driven through its standard input; its output goes to files. */
public final class ClientProcess implements AutoCloseable {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    public final Process process;
    private final Path out;
    private final Path err;
    private final OutputStream stdin;

    private ClientProcess(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
        this.stdin = process.getOutputStream();
    }

    public static ClientProcess start(Path dir, int port) {
        int n = COUNTER.incrementAndGet();
        Path out = dir.resolve("client-" + n + ".out");
        Path err = dir.resolve("client-" + n + ".err");
        try {
            Process process = Repo.processBuilder(List.of(Repo.ctlLauncher(), "client", "127.0.0.1", Integer.toString(port)))
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            return new ClientProcess(process, out, err);
        } catch (IOException e) {
            throw new AssertionError("cannot start dm-ctl client", e);
        }
    }

    /** Writes {@code text} to the client's standard input as it is (add the newlines). */
    public void type(String text) throws IOException {
        stdin.write(text.getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    public void closeStdin() throws IOException {
        stdin.close();
    }

    /** Complete lines printed so far. */
    public List<String> stdoutLines() {
        return DaemonUnderTest.readLines(out);
    }

    public String stdout() {
        return Exec.read(out);
    }

    public String stderr() {
        return Exec.read(err);
    }

    public void awaitLine(String line, Duration timeout) {
        Await.until(timeout, () -> stdoutLines().contains(line), "dm-ctl client to print '" + line + "'; so far:\n" + tail());
    }

    /** Waits for the client to exit by itself (its stdin left as it is) and returns the exit code. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("dm-ctl client still running after " + timeout.toMillis() + " ms; output so far:\n"
                        + tail() + "\nstderr: " + stderr());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return process.exitValue();
    }

    private String tail() {
        List<String> lines = stdoutLines();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
    }

    @Override
    public void close() {
        Processes.killTree(process.toHandle());
    }
}
