package dm.scoreboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetSocketAddress;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-thread records inside each worker's record, in a real scoreboard file, found again when it is opened. */
class ThreadRecordsTest {
    @TempDir
    Path directory;

    @Test
    void aReaderFindsTheLayoutAndSeesEachThreadAsItsThreadWroteIt() throws Exception {
        Path file = directory.resolve("scoreboard");
        try (Scoreboard created = Scoreboard.create(file, 3, 4)) {
            created.slot(2).thread(3).setState(WorkerState.BUSY);
        }
        // One opener per process (Chronicle's file lock): the supervisor's view serves as the reader's below.
        try (Scoreboard supervisor = Scoreboard.attach(file)) {
            Scoreboard reader = supervisor;
            assertEquals(WorkerState.BUSY, reader.slot(2).thread(3).state(), "the last record is where it was written");
            assertEquals(3, reader.slotCount());
            assertEquals(4, reader.threadsPerSlot());
            Slot slot = supervisor.slot(1);
            slot.prepare(1000, 0);
            assertEquals(WorkerState.STARTING, reader.slot(1).thread(3).state(), "prepare starts every thread record");
            for (int t = 0; t < 4; t++) {
                slot.thread(t).setState(WorkerState.IDLE);
            }
            slot.setState(WorkerState.IDLE);
            Slot seen = reader.slot(1);
            assertEquals(WorkerState.IDLE, seen.state());
            assertEquals(4, seen.idleThreads());

            assertEquals(1, slot.thread(2).beginConnection(new InetSocketAddress("127.0.0.1", 40002), 5000));
            assertEquals(2, slot.thread(0).beginConnection(new InetSocketAddress("127.0.0.1", 40000), 6000));
            assertEquals(WorkerState.BUSY, seen.state(), "busy while any thread is");
            assertEquals(WorkerState.IDLE, seen.lifecycle());
            assertEquals(2, seen.busyThreads());
            assertEquals(2, seen.idleThreads());
            assertEquals(2, seen.calls(), "the process counts every thread's connections (worker.max-requests)");
            assertEquals(1, seen.thread(2).calls());
            assertEquals(2, seen.longestBusy().index(), "busy since 5000, the other since 6000");
            assertEquals(new InetSocketAddress("127.0.0.1", 40002), seen.longestBusy().client());
            assertNull(seen.thread(1).client());

            slot.thread(2).endConnection();
            slot.thread(0).endConnection();
            assertEquals(WorkerState.IDLE, seen.state());
            assertNull(seen.longestBusy());
            assertEquals(WorkerState.EMPTY, reader.slot(0).thread(0).state(), "other slots untouched");

            slot.clear();
            assertEquals(WorkerState.EMPTY, seen.state());
            assertEquals(WorkerState.EMPTY, seen.thread(2).state());
        }
    }

    @Test
    void oneThreadPerWorkerIsTheLayoutOfBefore() throws Exception {
        Path file = directory.resolve("scoreboard");
        try (Scoreboard created = Scoreboard.create(file, 2)) {
            assertEquals(1, created.threadsPerSlot());
        }
        try (Scoreboard supervisor = Scoreboard.attach(file)) {
            Scoreboard reader = supervisor;
            assertEquals(2, reader.slotCount());
            assertEquals(1, reader.threadsPerSlot());
            supervisor.slot(0).prepare(1, 0);
            supervisor.slot(0).thread(0).setState(WorkerState.IDLE);
            supervisor.slot(0).setState(WorkerState.IDLE);
            supervisor.slot(0).thread(0).beginConnection(new InetSocketAddress("127.0.0.1", 40000), 7);
            assertEquals(WorkerState.BUSY, reader.slot(0).state());
            assertEquals(1, reader.slot(0).calls());
        }
    }
}
