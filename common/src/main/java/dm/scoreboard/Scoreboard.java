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
import java.nio.file.attribute.PosixFilePermissions;

import dm.NoFollow;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.values.Values;

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
    private static final String NAME = "dm-scoreboard";

    private final Path file;
    private final ChronicleMap<Integer, SlotValue> map;
    private final Control control;
    private final Slot[] slots;

    private Scoreboard(Path file, ChronicleMap<Integer, SlotValue> map, SlotValue control, int slotCount,
            int threadsPerSlot) {
        this.file = file;
        this.map = map;
        this.control = new Control(control, this);
        this.slots = new Slot[slotCount];
        for (int i = 0; i < slotCount; i++) {
            SlotValue process = bind(i);
            ThreadSlot[] threads = new ThreadSlot[threadsPerSlot];
            for (int t = 0; t < threadsPerSlot; t++) {
                threads[t] = new ThreadSlot(t, bind(slotCount + i * threadsPerSlot + t), process, this);
            }
            slots[i] = new Slot(i, process, threads, this);
        }
    }

    /** Supervisor: as {@link #create(Path, int, int)} with one thread per worker. */
    public static Scoreboard create(Path file, int slotCount) throws ScoreboardException {
        return create(file, slotCount, 1);
    }

    /**
     * Supervisor: creates a fresh scoreboard at {@code file} (mode 0600), replacing any stale one.
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
            ChronicleMap<Integer, SlotValue> map = builder(records).createPersistedTo(temporary.toFile());
            for (int key = CONTROL_KEY; key < records; key++) {
                map.acquireUsing(key, Values.newNativeReference(SlotValue.class));
            }
            SlotValue control = bind(map, CONTROL_KEY);
            control.setOrderedThreads(threadsPerSlot);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return new Scoreboard(file, map, control, slotCount, threadsPerSlot);
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

    /** Worker or dm-ctl: opens the scoreboard a supervisor created. */
    public static Scoreboard attach(Path file) throws ScoreboardException {
        verify(file);
        ChronicleMap<Integer, SlotValue> map;
        try {
            map = builder(1).createPersistedTo(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new ScoreboardException(ScoreboardException.Reason.NOT_A_SCOREBOARD,
                    file + " is not a dm scoreboard (" + e.getMessage() + ")");
        }
        if (!map.containsKey(CONTROL_KEY)) {
            map.close();
            throw new ScoreboardException(ScoreboardException.Reason.NOT_A_SCOREBOARD, file + " is not a dm scoreboard");
        }
        SlotValue control = bind(map, CONTROL_KEY);
        int threadsPerSlot = Math.max(1, control.getVolatileThreads());
        return new Scoreboard(file, map, control, (map.size() - 1) / (1 + threadsPerSlot), threadsPerSlot);
    }

    /**
     * Checks that {@code file} exists, may be opened, and looks like a Chronicle Map, without
     * opening it: Chronicle waits 60 s on a file whose header is not marked ready, and creates a
     * new map in an empty one.
     */
    public static void verify(Path file) throws ScoreboardException {
        if (Files.isSymbolicLink(file)) {
            throw new ScoreboardException(ScoreboardException.Reason.PERMISSION_DENIED, NoFollow.refusal("scoreboard", file));
        }
        if (!Files.exists(file)) {
            throw new ScoreboardException(ScoreboardException.Reason.NO_DAEMON,
                    "no daemon running (no scoreboard at " + file + ")");
        }
        if (!Files.isReadable(file) || !Files.isWritable(file)) {
            throw new ScoreboardException(ScoreboardException.Reason.PERMISSION_DENIED, "permission denied: " + file);
        }
        if (!hasChronicleMapHeader(file)) {
            throw new ScoreboardException(ScoreboardException.Reason.NOT_A_SCOREBOARD, file + " is not a dm scoreboard");
        }
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

    private static net.openhft.chronicle.map.ChronicleMapBuilder<Integer, SlotValue> builder(int records) {
        return ChronicleMap.of(Integer.class, SlotValue.class)
                .name(NAME)
                .entries(records + 1)
                // Checksums plus in-place updates would make any recovery delete every updated entry.
                .checksumEntries(false);
    }

    private SlotValue bind(int key) {
        return bind(map, key);
    }

    private static SlotValue bind(ChronicleMap<Integer, SlotValue> map, int key) {
        SlotValue reference = Values.newNativeReference(SlotValue.class);
        map.acquireUsing(key, reference);
        return reference;
    }

    public Path file() {
        return file;
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

    @Override
    public void close() {
        map.close();
    }

    /** Supervisor, on its way out: closes and removes the file. */
    public void delete() {
        close();
        deleteQuietly(file);
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // best effort: a stale scoreboard is replaced by the next supervisor anyway
        }
    }
}
