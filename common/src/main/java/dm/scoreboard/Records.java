package dm.scoreboard;

/**
 * Where a scoreboard's records live: Chronicle Map's own view of the file ({@link ChronicleRecords})
 * or the same file mapped by plain Java at the offsets Chronicle gave them ({@link MappedRecords}).
 * Key -1 is the control record, then the slot records, then the thread records.
 */
interface Records extends AutoCloseable {
    /** A reference to record {@code key}, reading and writing the shared memory itself. */
    SlotValue bind(int key);

    /** How many records there are, the control record included. */
    int size();

    @Override
    void close();
}
