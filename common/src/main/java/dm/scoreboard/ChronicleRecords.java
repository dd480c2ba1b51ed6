package dm.scoreboard;

import java.io.IOException;
import java.nio.file.Path;

import net.openhft.chronicle.bytes.Byteable;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.values.Values;

/** The scoreboard's records through the Chronicle Map that holds them: how the supervisor and dm-ctl open it. */
final class ChronicleRecords implements Records {
    private static final String NAME = "dm-scoreboard";

    private final ChronicleMap<Integer, SlotValue> map;

    private ChronicleRecords(ChronicleMap<Integer, SlotValue> map) {
        this.map = map;
    }

    /** A new map in {@code file} with every record from -1 to {@code records} - 1, zeroed. */
    static ChronicleRecords create(Path file, int records) throws IOException {
        ChronicleMap<Integer, SlotValue> map = builder(records).createPersistedTo(file.toFile());
        for (int key = Scoreboard.CONTROL_KEY; key < records; key++) {
            map.acquireUsing(key, Values.newNativeReference(SlotValue.class));
        }
        return new ChronicleRecords(map);
    }

    /** The map a supervisor created in {@code file}; null when it has no control record. */
    static ChronicleRecords open(Path file) throws IOException {
        ChronicleMap<Integer, SlotValue> map = builder(1).createPersistedTo(file.toFile());
        if (!map.containsKey(Scoreboard.CONTROL_KEY)) {
            map.close();
            return null;
        }
        return new ChronicleRecords(map);
    }

    private static net.openhft.chronicle.map.ChronicleMapBuilder<Integer, SlotValue> builder(int records) {
        return ChronicleMap.of(Integer.class, SlotValue.class)
                .name(NAME)
                .entries(records + 1)
                // Checksums plus in-place updates would make any recovery delete every updated entry.
                .checksumEntries(false);
    }

    @Override
    public SlotValue bind(int key) {
        SlotValue reference = Values.newNativeReference(SlotValue.class);
        map.acquireUsing(key, reference);
        return reference;
    }

    @Override
    public int size() {
        return map.size();
    }

    /** The memory address of a record {@link #bind} gave. */
    static long address(SlotValue record) {
        Byteable byteable = (Byteable) record;
        return byteable.bytesStore().addressForRead(byteable.offset());
    }

    @Override
    public void close() {
        map.close();
    }
}
