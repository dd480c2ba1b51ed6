package dm.scoreboard;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * Where each record of a scoreboard lies in its file, as the supervisor found it when it created
 * the map ({@link RecordLocator}), kept beside it in {@code <scoreboard>.records}. Workers read it
 * to map their records without Chronicle Map. It names the scoreboard it belongs to (file key and
 * size), so a layout left from another scoreboard is never used: whoever finds no layout, or one
 * that does not match, opens the scoreboard through Chronicle Map as before.
 *
 * <p>The file, one item a line: {@code dm-scoreboard-records 1}, the file key, the file size, the
 * slot count, the threads per slot, then the offset of each record from key -1 on.
 */
final class RecordLayout {
    private static final String MAGIC = "dm-scoreboard-records 1";

    private final String fileKey;
    private final long fileSize;
    private final int slotCount;
    private final int threadsPerSlot;
    /** Index key + 1. */
    private final long[] offsets;

    RecordLayout(String fileKey, long fileSize, int slotCount, int threadsPerSlot, long[] offsets) {
        this.fileKey = fileKey;
        this.fileSize = fileSize;
        this.slotCount = slotCount;
        this.threadsPerSlot = threadsPerSlot;
        this.offsets = offsets.clone();
    }

    static Path fileFor(Path scoreboard) {
        return scoreboard.resolveSibling(scoreboard.getFileName() + ".records");
    }

    /** What identifies {@code scoreboard}'s file (device and inode); the same before and after a rename. */
    static String fileKey(Path scoreboard) throws IOException {
        return String.valueOf(Files.readAttributes(scoreboard, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                .fileKey());
    }

    long fileSize() {
        return fileSize;
    }

    int slotCount() {
        return slotCount;
    }

    int threadsPerSlot() {
        return threadsPerSlot;
    }

    int recordCount() {
        return offsets.length;
    }

    long offset(int key) {
        return offsets[key + 1];
    }

    /**
     * The layout of {@code scoreboard} as it is now; null when there is none, or it is not this
     * file's (another scoreboard's, or the file changed size), or it is not a layout at all.
     */
    static RecordLayout readFor(Path scoreboard) {
        Path file = fileFor(scoreboard);
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return null;
            }
            List<String> lines;
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                lines = new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines().toList();
            }
            if (lines.size() < 6 || !lines.get(0).equals(MAGIC)) {
                return null;
            }
            long size = Long.parseLong(lines.get(2));
            int slots = Integer.parseInt(lines.get(3));
            int threads = Integer.parseInt(lines.get(4));
            long[] offsets = new long[lines.size() - 5];
            for (int i = 0; i < offsets.length; i++) {
                offsets[i] = Long.parseLong(lines.get(5 + i));
            }
            if (offsets.length != 1 + slots * (1L + threads) || !lines.get(1).equals(fileKey(scoreboard))
                    || size != Files.size(scoreboard)) {
                return null;
            }
            for (long offset : offsets) {
                if (offset < 0 || offset % Long.BYTES != 0 || offset + MappedRecords.RECORD_SIZE > size) {
                    return null;
                }
            }
            return new RecordLayout(lines.get(1), size, slots, threads, offsets);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Writes it beside {@code scoreboard}, whole or not at all (a temporary file, renamed). */
    void writeFor(Path scoreboard) throws IOException {
        StringBuilder text = new StringBuilder(MAGIC).append('\n').append(fileKey).append('\n').append(fileSize)
                .append('\n').append(slotCount).append('\n').append(threadsPerSlot).append('\n');
        for (long offset : offsets) {
            text.append(offset).append('\n');
        }
        Path file = fileFor(scoreboard);
        Path temporary = file.resolveSibling(file.getFileName() + ".new-" + ProcessHandle.current().pid());
        try {
            Files.deleteIfExists(temporary);
            Files.write(temporary, text.toString().getBytes(StandardCharsets.US_ASCII), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            Files.setPosixFilePermissions(temporary, Files.getPosixFilePermissions(scoreboard, LinkOption.NOFOLLOW_LINKS));
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    static void deleteFor(Path scoreboard) {
        try {
            Files.deleteIfExists(fileFor(scoreboard));
        } catch (IOException ignored) {
            // a layout that does not match its scoreboard is never used
        }
    }
}
