package dm.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The accept limit's rules, one tick's figures at a time: 64 threads (8 workers of 8), 8 for short connections. */
class AcceptLimitTest {
    private static final int THREADS = 64;
    private final AcceptLimit limit = new AcceptLimit(8, 8, 3);

    private int tick(int busy, int held, long queued, long accepted, double idleCpu) {
        return limit.next(new AcceptLimit.Tick(THREADS, busy, held, queued, accepted, idleCpu));
    }

    @Test
    void everyThreadTakesConnectionsWhileTheCpuHasRoom() {
        assertEquals(THREADS, tick(64, 0, 0, 2000, 0.50));
        assertEquals(THREADS, tick(64, 0, 0, 2000, 0.15));
        assertFalse(limit.limited());
    }

    /** Ticks on a saturated CPU until the limit is down to the held threads plus the 8. */
    private void saturate() {
        for (int i = 0; i < 20; i++) {
            tick(64, 0, 40, 2000, 0.0);
        }
    }

    @Test
    void aSaturatedCpuHalvesTheLimitPerTickDownToTheThreadsOfLongConnectionsPlusTheSaturatedThreads() {
        assertEquals(32, tick(64, 0, 40, 2000, 0.05), "40 queued but 2000 accepted in the tick: the queue drains");
        assertTrue(limit.limited());
        assertEquals(16, tick(64, 0, 40, 2000, 0.05));
        saturate();
        assertEquals(8, tick(64, 0, 40, 2000, 0.0));
        assertEquals(11, tick(20, 3, 40, 2000, 0.0), "3 threads held for longer than a tick by long connections");
    }

    @Test
    void connectionsThatWaitLongerThanATickBringBackBusyPlusQueuedThreadsAtOnce() {
        saturate();
        assertEquals(8 + 20, tick(8, 8, 20, 3, 0.0), "held connections fill the 8; 20 wait and 3 got in");
        assertEquals(THREADS, tick(28, 28, 40, 0, 0.0), "28 busy + 40 queued is more than every thread");
        assertFalse(limit.limited());
    }

    @Test
    void roomOnTheCpuWithEveryAllowedThreadBusyAddsOneWorkersThreadsAndInBetweenTheLimitHolds() {
        saturate();
        assertEquals(8, tick(8, 0, 0, 2000, 0.20), "idle CPU between 10 and 25%: holds");
        assertEquals(16, tick(8, 0, 0, 2000, 0.30), "room, and all 8 busy: one worker more");
        assertEquals(16, tick(9, 0, 0, 2000, 0.30), "room, but 7 of 16 idle: holds");
        for (int i = 0; i < 6; i++) {
            tick(64, 0, 0, 2000, 0.30);
        }
        assertEquals(THREADS, tick(64, 0, 0, 2000, 0.30));
        assertFalse(limit.limited(), "grown back to every thread: no limit");
    }

    @Test
    void anIdlePoolOnACpuWithRoomHoldsNoThreadBackOnceThatHasLastedItsTicks() {
        saturate();
        assertEquals(8, tick(0, 0, 0, 0, 0.20));
        assertEquals(8, tick(0, 0, 0, 0, 0.05), "saturated by something else: the idle ticks start again");
        assertEquals(8, tick(0, 0, 0, 0, 0.90));
        assertEquals(8, tick(0, 0, 0, 0, 0.15));
        assertEquals(8, tick(1, 0, 0, 1, 0.90), "one busy thread: the idle ticks start again");
        assertEquals(8, tick(0, 0, 0, 0, 0.90));
        assertEquals(8, tick(0, 0, 0, 0, 0.90));
        assertEquals(THREADS, tick(0, 0, 0, 0, 0.90), "the third idle tick in a row");
        assertFalse(limit.limited());
    }

    @Test
    void neverBelowOneThreadAndNoLimitWhenTheSaturatedThreadsAreEveryThread() {
        AcceptLimit one = new AcceptLimit(1, 1, 1);
        assertEquals(2, one.next(new AcceptLimit.Tick(4, 4, 0, 0, 100, 0.0)));
        assertEquals(1, one.next(new AcceptLimit.Tick(4, 4, 0, 0, 100, 0.0)));
        assertEquals(1, one.next(new AcceptLimit.Tick(4, 4, 0, 0, 100, 0.0)));
        AcceptLimit many = new AcceptLimit(8, 1, 1);
        assertEquals(4, many.next(new AcceptLimit.Tick(4, 4, 0, 0, 100, 0.0)), "4 workers of 1 thread: 8 is every one");
        assertFalse(many.limited());
    }
}
