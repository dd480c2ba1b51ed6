package dm.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dm.scoreboard.Scoreboard;
import dm.scoreboard.Slot;

/** Threads above their worker's accept limit park in the gate until the limit rises or the worker stops. */
class AcceptGateTest {
    @TempDir
    Path directory;
    private Scoreboard scoreboard;
    private Slot slot;
    private AcceptGate gate;

    @BeforeEach
    void open() throws Exception {
        scoreboard = Scoreboard.create(directory.resolve("scoreboard"), 1, 4);
        slot = scoreboard.slot(0);
        slot.prepare(System.currentTimeMillis(), 0);
        gate = new AcceptGate(slot, 4);
    }

    @AfterEach
    void close() {
        scoreboard.delete();
    }

    private Thread passing(int index) {
        Thread thread = new Thread(() -> gate.pass(index), "accept-" + index);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not within 10 s: " + what);
            Thread.sleep(5);
        }
    }

    @Test
    void threadsBelowTheLimitPassAndTheOthersWaitUntilItRises() throws Exception {
        slot.limitAccepting(2);
        Thread first = passing(1);
        first.join(10_000);
        assertFalse(first.isAlive(), "index 1 < limit 2: passes at once");
        Thread third = passing(2);
        await(() -> gate.parkedThreads() == 1, "thread 2 parks");
        gate.admit();
        Thread.sleep(50); // an admit under the old limit must not let it through (it would return and end)
        assertTrue(third.isAlive(), "still waiting: the limit is 2");
        slot.limitAccepting(3);
        gate.admit();
        third.join(10_000);
        assertFalse(third.isAlive(), "let through once the limit is 3");
        assertEquals(0, gate.parkedThreads());
    }

    @Test
    void aWorkerThatStopsAcceptingLetsEveryThreadThroughNowAndLater() throws Exception {
        slot.limitAccepting(0);
        Thread waiting = passing(3);
        await(() -> gate.parkedThreads() == 1, "thread 3 parks");
        gate.openForGood();
        waiting.join(10_000);
        assertFalse(waiting.isAlive());
        Thread later = passing(2);
        later.join(10_000);
        assertFalse(later.isAlive(), "no thread parks once the worker stops accepting");
    }
}
