package dm.scoreboard;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;

import dm.NoFollow;

/**
 * The shared status table, like the scoreboard a C prefork server keeps in shared memory. One
 * persisted Chronicle Map; key -1 is the {@link Control} record, keys 0 .. slots-1 the {@link Slot}s
 * (one per worker process), and keys from {@code slots} on the {@link ThreadSlot}s, worker.threads
 * of them per slot: slot {@code s}'s thread {@code t} is key {@code slots + s * threads + t}. The
 * control record says how many threads per slot, so that a reader finds the layout.
 *
 * <p>Each process binds a native reference to every record once, when it opens the map, and from
 * then on only reads and writes fields through it. That is lock-free; {@code put}/{@code compute}
 * take a segment spin lock that a process killed while holding it would leave held for everyone.
 */
public final class Scoreboard implements AutoCloseable {
    static final int CONTROL_KEY = -1;

    /**
     * rw-r-----: the supervisor and its workers (one account) read and write; the file's group
     * (dm under systemd) may read, so that its members run dm-ctl status and metrics.
     */
    private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> MODE =
            PosixFilePermissions.fromString("rw-r-----");

    private final Path file;
    private final Records records;
    private final Control control;
    private final Slot[] slots;
    /** The private directory of a {@link #readCopy}, removed on close; null for the real file. */
    private final Path copyDirectory;
    /** Supervisor: why workers cannot map their records without Chronicle Map; null when they can. */
    private final String layoutProblem;

    private Scoreboard(Path file, Records records, int slotCount, int threadsPerSlot, Path copyDirectory,
            String layoutProblem) {
        this.file = file;
        this.records = records;
        this.copyDirectory = copyDirectory;
        this.layoutProblem = layoutProblem;
        this.control = new Control(records.bind(CONTROL_KEY), this);
        this.slots = new Slot[slotCount];
        for (int i = 0; i < slotCount; i++) {
            SlotValue process = records.bind(i);
            ThreadSlot[] threads = new ThreadSlot[threadsPerSlot];
            for (int t = 0; t < threadsPerSlot; t++) {
                threads[t] = new ThreadSlot(t, records.bind(slotCount + i * threadsPerSlot + t), process, this);
            }
            slots[i] = new Slot(i, process, threads, this);
        }
    }

    /** A scoreboard opened through Chronicle Map, whose control record tells the layout. */
    private static Scoreboard of(Path file, ChronicleRecords records, Path copyDirectory) {
        int threadsPerSlot = Math.max(1, records.bind(CONTROL_KEY).getVolatileThreads());
        return new Scoreboard(file, records, (records.size() - 1) / (1 + threadsPerSlot), threadsPerSlot, copyDirectory,
                null);
    }

    /** Supervisor: as {@link #create(Path, int, int)} with one thread per worker. */
    public static Scoreboard create(Path file, int slotCount) throws ScoreboardException {
        return create(file, slotCount, 1);
    }

    /**
     * Supervisor: creates a fresh scoreboard at {@code file} (mode 0640), replacing any stale one.
     * The caller must hold the {@link OwnerLock}. The map is built under a temporary name and then
     * renamed, so nobody ever sees a half-initialised file.
     */
    public static Scoreboard create(Path file, int slotCount, int threadsPerSlot) throws ScoreboardException {
        int records = slotCount * (1 + threadsPerSlot);
        Path temporary = file.resolveSibling(file.getFileName() + ".new-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(temporary);
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            // Set after creation: the mode given to createFile is cut by the umask (dm.service: 0077).
            Files.getFileAttributeView(temporary, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setPermissions(MODE);
            RecordLayout.deleteFor(file);
            ChronicleRecords chronicle = ChronicleRecords.create(temporary, records);
            chronicle.bind(CONTROL_KEY).setOrderedThreads(threadsPerSlot);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            String layoutProblem = null;
            try {
                RecordLocator.locate(file, chronicle, slotCount, threadsPerSlot).writeFor(file);
            } catch (IOException | RuntimeException e) {
                RecordLayout.deleteFor(file);
                layoutProblem = String.valueOf(e.getMessage());
            }
            return new Scoreboard(file, chronicle, slotCount, threadsPerSlot, null, layoutProblem);
        } catch (AccessDeniedException e) {
            deleteQuietly(temporary);
            throw new ScoreboardException(ScoreboardException.Reason.PERMISSION_DENIED,
                    "permission denied: " + e.getFile());
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temporary);
            throw new ScoreboardException(ScoreboardException.Reason.IO,
                    "cannot create scoreboard " + file + ": " + e.getMessage());
        }
    }

    /**
     * Worker or dm-ctl: opens the scoreboard a supervisor created. Through a plain mapping of the
     * file when the supervisor left its {@link RecordLayout} (which spares a worker JVM Chronicle
     * Map's classes, half its boot), else through Chronicle Map.
     */
    public static Scoreboard attach(Path file) throws ScoreboardException {
        verify(file);
        RecordLayout layout = RecordLayout.readFor(file);
        if (layout != null) {
            try {
                MappedRecords mapped = MappedRecords.map(file, layout);
                // The layout named this file; its control record must say what the layout says.
                if (mapped.bind(CONTROL_KEY).getVolatileThreads() == layout.threadsPerSlot()) {
                    return new Scoreboard(file, mapped, layout.slotCount(), layout.threadsPerSlot(), null, null);
                }
            } catch (IOException | RuntimeException e) {
                // Chronicle Map opens it below, or says what is wrong with it
            }
        }
        ChronicleRecords chronicle;
        try {
            chronicle = ChronicleRecords.open(file);
        } catch (IOException | RuntimeException e) {
            throw new ScoreboardException(ScoreboardException.Reason.NOT_A_SCOREBOARD,
                    file + " is not a dm scoreboard (" + e.getMessage() + ")");
        } catch (NoClassDefFoundError e) {
            // A worker started without Chronicle Map's jars, since the supervisor had written the records file.
            throw new ScoreboardException(ScoreboardException.Reason.NOT_A_SCOREBOARD, RecordLayout.fileFor(file)
                    + " is missing or does not match " + file + ", and this process has no Chronicle Map to open it with");
        }
        if (chronicle == null) {
            throw new ScoreboardException(ScoreboardException.Reason.NOT_A_SCOREBOARD, file + " is not a dm scoreboard");
        }
        return of(file, chronicle, null);
    }

    /**
     * Read-only: a private copy of the scoreboard at {@code file}, for dm-ctl status and metrics run
     * by a user who may read the file but not write it (a member of its group). Chronicle Map opens
     * its file read-write and cannot map it read-only, so the copy is what it opens: a snapshot of
     * the moment of the copy, in a directory only this user can enter, removed by {@link #close}.
     * {@link #file} still names the real scoreboard.
     */
    public static Scoreboard readCopy(Path file) throws ScoreboardException {
        verify(file, false);
        Path directory = null;
        try {
            directory = Files.createTempDirectory("dm-scoreboard-copy-"); // rwx------
            Path copy = directory.resolve(file.getFileName());
            Files.copy(file, copy, LinkOption.NOFOLLOW_LINKS);
            Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-------"));
            if (!hasChronicleMapHeader(copy)) {
                throw new ScoreboardException(ScoreboardException.Reason.NOT_A_SCOREBOARD, file + " is not a dm scoreboard");
            }
            ChronicleRecords chronicle = ChronicleRecords.open(copy);
            if (chronicle == null) {
                throw new ScoreboardException(ScoreboardException.Reason.NOT_A_SCOREBOARD, file + " is not a dm scoreboard");
            }
            return of(file, chronicle, directory);
        } catch (AccessDeniedException e) {
            deleteCopy(directory);
            throw new ScoreboardException(ScoreboardException.Reason.PERMISSION_DENIED, "permission denied: " + e.getFile());
        } catch (java.nio.file.NoSuchFileException e) {
            // The daemon removed it on its way out, between the check and the copy.
            deleteCopy(directory);
            throw new ScoreboardException(ScoreboardException.Reason.NO_DAEMON, "no daemon running (no scoreboard at " + file + ")");
        } catch (IOException | RuntimeException e) {
            deleteCopy(directory);
            throw new ScoreboardException(ScoreboardException.Reason.IO,
                    "cannot read a copy of scoreboard " + file + ": " + e.getMessage());
        } catch (ScoreboardException e) {
            deleteCopy(directory);
            throw e;
        }
    }

    /**
     * Checks that {@code file} exists, may be opened (read and written, or only read when
     * {@code write} is false), and looks like a Chronicle Map, without opening it: Chronicle waits
     * 60 s on a file whose header is not marked ready, and creates a new map in an empty one.
     */
    public static void verify(Path file, boolean write) throws ScoreboardException {
        if (Files.isSymbolicLink(file)) {
            throw new ScoreboardException(ScoreboardException.Reason.PERMISSION_DENIED, NoFollow.refusal("scoreboard", file));
        }
        if (!Files.exists(file)) {
            Path directory = file.getParent();
            if (directory != null && Files.isDirectory(directory) && !Files.isExecutable(directory)) {
                // Not "no daemon": this user may not look into the directory (/run/dm is dm's, mode 0750).
                throw new ScoreboardException(ScoreboardException.Reason.PERMISSION_DENIED, "permission denied: " + directory);
            }
            throw new ScoreboardException(ScoreboardException.Reason.NO_DAEMON,
                    "no daemon running (no scoreboard at " + file + ")");
        }
        if (!Files.isReadable(file) || (write && !Files.isWritable(file))) {
            throw new ScoreboardException(ScoreboardException.Reason.PERMISSION_DENIED, "permission denied: " + file);
        }
        if (!hasChronicleMapHeader(file)) {
            throw new ScoreboardException(ScoreboardException.Reason.NOT_A_SCOREBOARD, file + " is not a dm scoreboard");
        }
    }

    /** {@link #verify(Path, boolean)} for reading and writing, what {@link #attach} needs. */
    public static void verify(Path file) throws ScoreboardException {
        verify(file, true);
    }

    /**
     * Layout of a persisted map's start: 8 bytes of checksum, a little-endian int whose positive
     * value marks the header ready and whose low 30 bits are its length, then the header text.
     */
    private static boolean hasChronicleMapHeader(Path file) {
        byte[] magic = "!net.openhft.chronicle.map.".getBytes(StandardCharsets.US_ASCII);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer head = ByteBuffer.allocate(12 + magic.length).order(ByteOrder.LITTLE_ENDIAN);
            while (head.hasRemaining() && channel.read(head) > 0) {
                // read the whole head
            }
            if (head.hasRemaining()) {
                return false;
            }
            int sizeWord = head.getInt(8);
            if (sizeWord <= 0 || 12L + (sizeWord & ((1 << 30) - 1)) > channel.size()) {
                return false;
            }
            for (int i = 0; i < magic.length; i++) {
                if (head.get(12 + i) != magic[i]) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The scoreboard file (also for a {@link #readCopy}: the file it copied). */
    public Path file() {
        return file;
    }

    /** True for a {@link #readCopy}: a snapshot, that the daemon's later changes do not reach. */
    public boolean isCopy() {
        return copyDirectory != null;
    }

    public Control control() {
        return control;
    }

    public int slotCount() {
        return slots.length;
    }

    /** worker.threads as the daemon started with it: thread records per slot. */
    public int threadsPerSlot() {
        return slots.length == 0 ? 1 : slots[0].threadCount();
    }

    public Slot slot(int index) {
        return slots[index];
    }

    /**
     * Supervisor: why its workers open the scoreboard through Chronicle Map rather than mapping
     * their records directly (they start slower); empty when they map them.
     */
    public java.util.Optional<String> layoutProblem() {
        return java.util.Optional.ofNullable(layoutProblem);
    }

    @Override
    public void close() {
        records.close();
        deleteCopy(copyDirectory);
    }

    /** Supervisor, on its way out: closes and removes the file. */
    public void delete() {
        close();
        if (!isCopy()) {
            deleteQuietly(file);
            RecordLayout.deleteFor(file);
        }
    }

    private static void deleteCopy(Path directory) {
        if (directory == null) {
            return;
        }
        try (java.util.stream.Stream<Path> files = Files.list(directory)) {
            files.forEach(Scoreboard::deleteQuietly);
        } catch (IOException ignored) {
            // removed below if it is empty
        }
        deleteQuietly(directory);
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // best effort: a stale scoreboard is replaced by the next supervisor anyway
        }
    }
}
