package dm.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine's idle CPU from the first line of /proc/stat ("cpu user nice system idle iowait irq
 * softirq steal ..." in clock ticks, summed over every core): idle plus iowait over everything,
 * between two reads. One small read per tick; it costs the same however many sockets or
 * processes the machine has.
 */
final class ProcStatCpu implements CpuSource {
    private final Path file;
    private long lastIdle = -1;
    private long lastTotal = -1;

    ProcStatCpu() {
        this(Path.of("/proc/stat"));
    }

    ProcStatCpu(Path file) {
        this.file = file;
    }

    @Override
    public double idleShareSinceLastRead() {
        long[] now = read();
        if (now == null) {
            return 1.0;
        }
        long idle = now[0] - lastIdle;
        long total = now[1] - lastTotal;
        boolean first = lastTotal < 0;
        lastIdle = now[0];
        lastTotal = now[1];
        if (first || total <= 0) {
            return 1.0;
        }
        return Math.max(0.0, Math.min(1.0, (double) idle / total));
    }

    /** {idle + iowait, total} of the "cpu" line, or null when it cannot be read. */
    private long[] read() {
        String first;
        try (var lines = Files.lines(file, StandardCharsets.US_ASCII)) {
            first = lines.findFirst().orElse("");
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return parse(first);
    }

    /** {idle + iowait, total} of a "cpu ..." line; null when it is not one. */
    static long[] parse(String line) {
        String[] fields = line.trim().split("\\s+");
        if (fields.length < 5 || !fields[0].equals("cpu")) {
            return null;
        }
        long total = 0;
        long idle = 0;
        try {
            // user nice system idle iowait irq softirq steal; guest and guest_nice are already in user and nice.
            for (int i = 1; i < Math.min(fields.length, 9); i++) {
                long value = Long.parseLong(fields[i]);
                total += value;
                if (i == 4 || i == 5) {
                    idle += value;
                }
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return new long[] {idle, total};
    }
}
