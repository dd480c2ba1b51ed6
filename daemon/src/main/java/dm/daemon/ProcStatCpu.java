package dm.daemon;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;

/**
 * The machine's idle CPU from the first line of /proc/stat ("cpu user nice system idle iowait irq
 * softirq steal ..." in clock ticks, summed over every core): idle plus iowait over everything,
 * between two reads. The file stays open and each tick reads its first bytes again (a seek and
 * one read) and parses them in place: a supervisor that reads it with streams and strings every
 * tick spent three times its idle CPU (IdleCostBenchmarkIT) while its code was still interpreted.
 */
final class ProcStatCpu implements CpuSource {
    /** user nice system idle iowait irq softirq steal: guest and guest_nice are already in user and nice. */
    private static final int FIELDS = 8;

    private final Path path;
    private final byte[] buffer = new byte[256];
    private final long[] fields = new long[FIELDS];
    private RandomAccessFile file;
    private long lastIdle = -1;
    private long lastTotal = -1;

    ProcStatCpu() {
        this(Path.of("/proc/stat"));
    }

    ProcStatCpu(Path path) {
        this.path = path;
    }

    @Override
    public double idleShareSinceLastRead() {
        if (!read()) {
            return 1.0;
        }
        long idle = fields[3] + fields[4];
        long total = 0;
        for (long field : fields) {
            total += field;
        }
        long idleTicks = idle - lastIdle;
        long totalTicks = total - lastTotal;
        boolean first = lastTotal < 0;
        lastIdle = idle;
        lastTotal = total;
        if (first || totalTicks <= 0) {
            return 1.0;
        }
        return Math.max(0.0, Math.min(1.0, (double) idleTicks / totalTicks));
    }

    /** Fills {@link #fields} from the file's first line; false when it cannot be read or parsed. */
    private boolean read() {
        try {
            if (file == null) {
                file = new RandomAccessFile(path.toFile(), "r");
            }
            file.seek(0);
            int length = file.read(buffer, 0, buffer.length);
            return length > 0 && parse(buffer, length, fields);
        } catch (IOException e) {
            try {
                if (file != null) {
                    file.close();
                }
            } catch (IOException ignored) {
                // it is being given up anyway
            }
            file = null;
            return false;
        }
    }

    /**
     * Parses "cpu " and then up to {@link #FIELDS} numbers of the first line of {@code bytes} into
     * {@code into} (missing ones as 0); false when the line is not the all-cores "cpu" line.
     */
    static boolean parse(byte[] bytes, int length, long[] into) {
        if (length < 4 || bytes[0] != 'c' || bytes[1] != 'p' || bytes[2] != 'u' || bytes[3] != ' ') {
            return false;
        }
        java.util.Arrays.fill(into, 0);
        int field = -1;
        boolean inNumber = false;
        for (int i = 4; i < length && bytes[i] != '\n'; i++) {
            byte b = bytes[i];
            if (b >= '0' && b <= '9') {
                if (!inNumber) {
                    inNumber = true;
                    field++;
                    if (field >= into.length) {
                        return true;
                    }
                }
                into[field] = into[field] * 10 + (b - '0');
            } else if (b == ' ') {
                inNumber = false;
            } else {
                return false;
            }
        }
        return field >= 4; // at least user nice system idle iowait
    }
}
