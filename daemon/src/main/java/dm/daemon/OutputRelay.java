package dm.daemon;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

import dm.logging.Journal;

/**
 * Copies a worker's stdout and stderr (one pipe) to the supervisor's stdout line by line, so that
 * worker and supervisor lines end up in one place, each line whole. One small thread per worker;
 * it ends by itself when the worker's end of the pipe closes.
 *
 * <p>The worker's log lines name it already ({@code dm[PID] slot N:}, conf/logback.xml). What it
 * writes outside logging (the JVM's own messages, the thread dump that SIGQUIT prints before a
 * request-timeout kill, a handler's System.out) gets the same prefix here, with the time it was
 * relayed, so that every line of the log says which process wrote it. Under the journal
 * ({@link Journal#active}) the worker's log lines carry their syslog priority already and pass as
 * they are; the others get {@code <6>} (info) and the prefix without a time, as JournalLayout writes.
 */
final class OutputRelay extends Thread {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private final InputStream source;
    private final PrintStream target;
    private final int slot;
    private final long pid;
    private final String ownTag;
    private final boolean journal;

    OutputRelay(InputStream source, PrintStream target, int slot, long pid) {
        this(source, target, slot, pid, Journal.active());
    }

    OutputRelay(InputStream source, PrintStream target, int slot, long pid, boolean journal) {
        super(null, null, "relay-slot-" + slot, 64 * 1024);
        this.journal = journal;
        setDaemon(true);
        this.source = source;
        this.target = target;
        this.slot = slot;
        this.pid = pid;
        this.ownTag = " dm[" + pid + "] slot " + slot + ": ";
    }

    @Override
    public void run() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(source, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                byte[] bytes = (tagged(line, LocalDateTime.now()) + "\n").getBytes(StandardCharsets.UTF_8);
                target.write(bytes, 0, bytes.length); // one write per line: never interleaved with others
                target.flush();
            }
        } catch (IOException ignored) {
            // the worker is gone
        }
    }

    /** The line as the log shows it: as written when it names this worker, else with the worker's prefix. */
    String tagged(String line, LocalDateTime now) {
        if (line.contains(ownTag)) {
            return line;
        }
        if (journal) {
            return "<" + Journal.INFO + ">INFO  dm[" + pid + "] slot " + slot + ": " + line;
        }
        return STAMP.format(now) + " INFO  dm[" + pid + "] slot " + slot + ": " + line;
    }
}
