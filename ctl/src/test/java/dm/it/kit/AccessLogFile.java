package dm.it.kit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/** A daemon's access log (log.access-file), as a test reads it. */
public final class AccessLogFile {
    /** One line: group 1 client port, 2 slot, 3 pid, 4 thread, 5 bytes in, 6 bytes out, 7 microseconds, 8 outcome. */
    public static final Pattern LINE = Pattern.compile("^127\\.0\\.0\\.1:(\\d+) \\[\\d{2}/\\w{3}/\\d{4}:\\d{2}:\\d{2}:\\d{2}"
            + "\\.\\d{3} [+-]\\d{4}\\] slot=(\\d+) pid=(\\d+) thread=(\\d+) in=(\\d+) out=(\\d+) us=(\\d+) (ok|timeout|reset|failed)$");

    private AccessLogFile() {
    }

    /** Its whole lines so far (a last line still being written is left out); none when it does not exist yet. */
    public static List<String> lines(Path file) {
        try {
            if (!Files.exists(file)) {
                return List.of();
            }
            String text = Files.readString(file);
            int end = text.lastIndexOf('\n');
            return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
