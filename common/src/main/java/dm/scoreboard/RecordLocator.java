package dm.scoreboard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Supervisor: finds where Chronicle Map put each record of a new scoreboard in its file, from the
 * record's address and this process's mappings of the file (/proc/self/maps), and proves it before
 * anyone relies on it: a value written through Chronicle must be read at that offset through a
 * plain mapping of the file, and the other way round, for every record.
 */
final class RecordLocator {
    private static final long PROBE = 0x646d_7265_636f_7264L;

    /** One line of /proc/self/maps: addresses {@code start} to {@code end} show the file from {@code fileOffset}. */
    private record Mapping(long start, long end, long fileOffset) {
    }

    private RecordLocator() {
    }

    /**
     * The layout of the scoreboard in {@code file} (already at its final name, not yet in use),
     * whose records {@code chronicle} holds; an IOException says why there is none.
     */
    static RecordLayout locate(Path file, ChronicleRecords chronicle, int slotCount, int threadsPerSlot) throws IOException {
        String fileKey = RecordLayout.fileKey(file);
        List<Mapping> mappings = mappingsOf(inode(file));
        int records = chronicle.size();
        long[] offsets = new long[records];
        SlotValue[] views = new SlotValue[records];
        for (int key = Scoreboard.CONTROL_KEY; key < records - 1; key++) {
            views[key + 1] = chronicle.bind(key);
            offsets[key + 1] = fileOffset(ChronicleRecords.address(views[key + 1]), mappings);
        }
        RecordLayout layout = new RecordLayout(fileKey, Files.size(file), slotCount, threadsPerSlot, offsets);
        for (long offset : offsets) {
            if (offset % Long.BYTES != 0 || offset + MappedRecords.RECORD_SIZE > layout.fileSize()) {
                throw new IOException("a record at offset " + offset + " cannot be mapped");
            }
        }
        MappedRecords mapped = MappedRecords.map(file, layout);
        for (int key = Scoreboard.CONTROL_KEY; key < records - 1; key++) {
            SlotValue chronicleView = views[key + 1];
            SlotValue plainView = mapped.bind(key);
            long before = chronicleView.getVolatilePid();
            chronicleView.setOrderedPid(PROBE + key);
            boolean seen = plainView.getVolatilePid() == PROBE + key;
            plainView.setOrderedPid(before);
            if (!seen || chronicleView.getVolatilePid() != before) {
                throw new IOException("record " + key + " is not at offset " + offsets[key + 1]);
            }
        }
        return layout;
    }

    private static long inode(Path file) throws IOException {
        return ((Number) Files.getAttribute(file, "unix:ino")).longValue();
    }

    private static List<Mapping> mappingsOf(long inode) throws IOException {
        List<Mapping> mappings = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            String[] fields = line.trim().split("\\s+", 6);
            if (fields.length < 6 || !fields[4].equals(Long.toString(inode))) {
                continue;
            }
            int dash = fields[0].indexOf('-');
            mappings.add(new Mapping(Long.parseUnsignedLong(fields[0].substring(0, dash), 16),
                    Long.parseUnsignedLong(fields[0].substring(dash + 1), 16), Long.parseUnsignedLong(fields[2], 16)));
        }
        return mappings;
    }

    private static long fileOffset(long address, List<Mapping> mappings) throws IOException {
        for (Mapping mapping : mappings) {
            if (address >= mapping.start() && address + MappedRecords.RECORD_SIZE <= mapping.end()) {
                return mapping.fileOffset() + (address - mapping.start());
            }
        }
        throw new IOException("no mapping of the file holds the record at address " + Long.toHexString(address));
    }
}
