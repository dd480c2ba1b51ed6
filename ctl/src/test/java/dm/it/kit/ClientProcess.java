package dm.it.kit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code bin/dm-ctl client HOST PORT} driven through its standard input; its output goes to files. */
public final class ClientProcess implements AutoCloseable {
    private final Exec.Running running;
    private final OutputStream stdin;

    private ClientProcess(Exec.Running running) {
        this.running = running;
        this.stdin = running.process().getOutputStream();
    }

    public static ClientProcess start(Path dir, int port) {
        return new ClientProcess(Exec.start(dir, List.of(Repo.ctlLauncher(), "client", "127.0.0.1", Integer.toString(port)),
                Map.of(), ProcessBuilder.Redirect.PIPE));
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
        return running.stdoutLines();
    }

    public String stdout() {
        return running.stdout();
    }

    public String stderr() {
        return running.stderr();
    }

    public void awaitLine(String line, Duration timeout) {
        Await.until(timeout, () -> stdoutLines().contains(line), "dm-ctl client to print '" + line + "'; so far:\n" + tail());
    }

    /** Waits for the client to exit by itself (its stdin left as it is) and returns the exit code. */
    public int awaitExit(Duration timeout) {
        Process process = running.process();
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
        Processes.killTree(running.process().toHandle());
    }
}
