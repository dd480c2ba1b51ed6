package dm.daemon;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Copies a worker's stdout and stderr (one pipe) to the supervisor's stdout line by line, so that
 * worker and supervisor lines end up in one place, each line whole. One small thread per worker;
 * it ends by itself when the worker's end of the pipe closes.
 */
final class OutputRelay extends Thread {
    private final InputStream source;
    private final PrintStream target;

    OutputRelay(InputStream source, PrintStream target, int slot) {
        super(null, null, "relay-slot-" + slot, 64 * 1024);
        setDaemon(true);
        this.source = source;
        this.target = target;
    }

    @Override
    public void run() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(source, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
                target.write(bytes, 0, bytes.length); // one write per line: never interleaved with others
                target.flush();
            }
        } catch (IOException ignored) {
            // the worker is gone
        }
    }
}
