package dm.scoreboard;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The scoreboard file mapped by plain Java (MAP_SHARED, as Chronicle Map maps it), and its records
 * at the file offsets the supervisor found for them ({@link RecordLayout}). A worker attaches this
 * way without loading Chronicle Map, jnr-ffi and their dependencies: about half of its boot.
 *
 * <p>The accessors are those {@code MappedSlotValue} (generated from Chronicle Values' own native
 * class, so the field offsets are Chronicle's) calls, with Chronicle's meaning: native byte order,
 * volatile reads, release ("ordered") writes, atomic adds and compare-and-swap.
 */
final class MappedRecords implements Records {
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle INTS = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

    /** MappedSlotValue is generated after this class is compiled (see ValuesSourceGenerator): found by name. */
    private static final Constructor<?> RECORD;
    /** The bytes of one record. */
    static final int RECORD_SIZE;

    static {
        try {
            Class<?> generated = Class.forName("dm.scoreboard.MappedSlotValue");
            RECORD = generated.getDeclaredConstructor(MappedRecords.class, long.class);
            RECORD_SIZE = generated.getDeclaredField("SIZE").getInt(null);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final MappedByteBuffer buffer;
    private final RecordLayout layout;

    private MappedRecords(MappedByteBuffer buffer, RecordLayout layout) {
        this.buffer = buffer;
        this.layout = layout;
    }

    /** Maps {@code file}, whose records lie where {@code layout} says. */
    static MappedRecords map(Path file, RecordLayout layout) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            return new MappedRecords(channel.map(FileChannel.MapMode.READ_WRITE, 0, layout.fileSize()), layout);
        }
    }

    @Override
    public SlotValue bind(int key) {
        return at(layout.offset(key));
    }

    /** The record at {@code offset} in the file. */
    SlotValue at(long offset) {
        try {
            return (SlotValue) RECORD.newInstance(this, offset);
        } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int size() {
        return layout.recordCount();
    }

    /** Nothing to do: the mapping lasts as long as the records that point into it. */
    @Override
    public void close() {
    }

    int readInt(long at) {
        return (int) INTS.get(buffer, (int) at);
    }

    int readVolatileInt(long at) {
        return (int) INTS.getVolatile(buffer, (int) at);
    }

    void writeInt(long at, int value) {
        INTS.set(buffer, (int) at, value);
    }

    void writeOrderedInt(long at, int value) {
        INTS.setRelease(buffer, (int) at, value);
    }

    long readLong(long at) {
        return (long) LONGS.get(buffer, (int) at);
    }

    long readVolatileLong(long at) {
        return (long) LONGS.getVolatile(buffer, (int) at);
    }

    void writeLong(long at, long value) {
        LONGS.set(buffer, (int) at, value);
    }

    void writeOrderedLong(long at, long value) {
        LONGS.setRelease(buffer, (int) at, value);
    }

    long addAndGetLong(long at, long delta) {
        return (long) LONGS.getAndAdd(buffer, (int) at, delta) + delta;
    }

    boolean compareAndSwapLong(long at, long expected, long value) {
        return LONGS.compareAndSet(buffer, (int) at, expected, value);
    }
}
