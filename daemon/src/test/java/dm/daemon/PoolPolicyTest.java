package dm.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PoolPolicyTest {

    @Test
    void fillsUpToMinFirst() {
        PoolPolicy policy = new PoolPolicy(4, 10, 1, 5, 8);
        assertEquals(3, policy.decide(1, 0, 1, 0).spawn());
    }

    @Test
    void spawnRateDoublesWhileSparesStayShortThenResets() {
        PoolPolicy policy = new PoolPolicy(2, 100, 2, 10, 8);
        assertEquals(1, policy.decide(2, 0, 0, 0).spawn());
        assertEquals(2, policy.decide(3, 0, 0, 0).spawn());
        assertEquals(4, policy.decide(5, 0, 0, 0).spawn());
        assertEquals(8, policy.decide(9, 0, 0, 0).spawn());
        assertEquals(8, policy.decide(17, 0, 0, 0).spawn(), "capped at pool.max-spawn-rate");
        assertEquals(0, policy.decide(25, 0, 1, 3).spawn(), "starting workers count as spares");
        assertEquals(8, policy.decide(25, 0, 0, 0).spawn(), "rate kept while new ones boot");
        assertEquals(0, policy.decide(25, 0, 3, 0).spawn());
        assertEquals(1, policy.decide(25, 0, 0, 0).spawn(), "demand met: next shortage starts at 1 again");
    }

    @Test
    void neverAboveMaxAndSaysSo() {
        PoolPolicy policy = new PoolPolicy(2, 4, 2, 4, 8);
        policy.decide(2, 0, 0, 0);
        policy.decide(3, 0, 0, 0);
        assertEquals(1, policy.decide(3, 0, 0, 0).spawn(), "only the room left under pool.max");
        PoolPolicy.Decision atMax = policy.decide(4, 0, 0, 0);
        assertEquals(0, atMax.spawn());
        assertTrue(atMax.wantedMoreThanMax());
    }

    @Test
    void retiresOneIdleBeyondMaxSpareButNeverBelowMin() {
        PoolPolicy policy = new PoolPolicy(3, 10, 1, 2, 8);
        assertTrue(policy.decide(6, 0, 5, 0).retireOne());
        assertFalse(policy.decide(3, 0, 3, 0).retireOne(), "pool.min is a floor");
        assertFalse(policy.decide(6, 0, 2, 0).retireOne());
    }

    @Test
    void workersAlreadyLeavingDoNotCountTowardThePoolMinFloor() {
        PoolPolicy policy = new PoolPolicy(4, 16, 1, 2, 8);
        // 4 idle workers stay, 1 retired a tick ago has not exited yet: retiring another would leave 3.
        assertFalse(policy.decide(5, 1, 4, 0).retireOne(), "pool.min is a floor for the workers that stay");
        assertTrue(policy.decide(6, 1, 5, 0).retireOne());
    }

    @Test
    void oneAtATimePolicyAddsOneOnlyWhenEveryWorkerIsBusy() {
        PoolPolicy oneAtATime = new PoolPolicy(2, 200, 1, 200, 1);
        assertEquals(0, oneAtATime.decide(2, 0, 1, 0).spawn());
        assertEquals(1, oneAtATime.decide(2, 0, 0, 0).spawn());
        assertEquals(1, oneAtATime.decide(3, 0, 0, 0).spawn());
        assertFalse(oneAtATime.decide(50, 0, 49, 0).retireOne(), "max-spare = pool.max: it never shrinks");
    }

    @Test
    void withThreadsSparesAreIdleThreadsAndThePoolGrowsByWholeWorkers() {
        PoolPolicy policy = new PoolPolicy(2, 8, 8, 24, 8, 8);
        assertEquals(0, policy.decide(2, 0, 9, 0).spawn(), "9 idle threads of 16: enough");
        assertEquals(1, policy.decide(2, 0, 7, 0).spawn(), "7 idle threads < 8: one more worker (8 threads)");
        assertEquals(0, policy.decide(3, 0, 7, 8).spawn(), "its 8 starting threads count as spares");
        assertEquals(2, policy.decide(3, 0, 0, 0).spawn(), "still short once it accepts: 2 workers");
    }

    @Test
    void withThreadsAWholeIdleWorkerIsRetiredOnlyIfEnoughIdleThreadsRemain() {
        PoolPolicy policy = new PoolPolicy(2, 8, 8, 10, 8, 8);
        assertTrue(policy.decide(4, 0, 20, 0).retireOne(), "20 idle > 10, and 12 remain without one worker");
        assertFalse(policy.decide(4, 0, 15, 0).retireOne(),
                "15 idle > 10, but only 7 would remain: the next tick would start it again");
        assertFalse(policy.decide(2, 0, 16, 0).retireOne(), "pool.min is a floor");
    }

    @Test
    void oneThreadPerWorkerIsThePreforkRule() {
        PoolPolicy threads = new PoolPolicy(3, 10, 1, 2, 8, 1);
        PoolPolicy prefork = new PoolPolicy(3, 10, 1, 2, 8);
        for (int idle = 0; idle <= 6; idle++) {
            assertEquals(prefork.decide(6, 0, idle, 0), threads.decide(6, 0, idle, 0), "idle " + idle);
        }
    }

    @Test
    void aSurplusMustLastTheShrinkDelayAtEveryTickBeforeAWorkerRetires() {
        int ticks = PoolPolicy.ticksFor(1_000, 200);
        assertEquals(6, ticks, "the first tick with a surplus, then 5 more: 1000 ms later");
        PoolPolicy policy = new PoolPolicy(2, 10, 1, 2, 8, 1, ticks);
        for (int tick = 1; tick < ticks; tick++) {
            assertFalse(policy.decide(6, 0, 5, 0).retireOne(), "tick " + tick + ": the surplus has not lasted yet");
        }
        assertTrue(policy.decide(6, 0, 5, 0).retireOne(), "it has lasted 1000 ms");
        assertTrue(policy.decide(5, 0, 4, 0).retireOne(), "then one per tick while it lasts");
    }

    @Test
    void oneTickWithoutASurplusStartsTheShrinkDelayAgain() {
        PoolPolicy policy = new PoolPolicy(2, 10, 1, 2, 8, 1, 3);
        assertFalse(policy.decide(6, 0, 5, 0).retireOne());
        assertFalse(policy.decide(6, 0, 5, 0).retireOne());
        assertFalse(policy.decide(6, 0, 1, 0).retireOne(), "short connections: this tick saw most workers busy");
        assertFalse(policy.decide(6, 0, 5, 0).retireOne(), "counting again from 1");
        assertFalse(policy.decide(6, 0, 5, 0).retireOne());
        assertTrue(policy.decide(6, 0, 5, 0).retireOne());
        assertFalse(new PoolPolicy(2, 10, 1, 2, 8, 1, 3).decide(6, 0, 0, 0).retireOne());
    }

    @Test
    void noShrinkDelayRetiresAtTheFirstTick() {
        assertEquals(1, PoolPolicy.ticksFor(0, 200));
        assertEquals(2, PoolPolicy.ticksFor(1, 200), "any delay waits at least one tick more");
        assertTrue(new PoolPolicy(2, 10, 1, 2, 8, 1, PoolPolicy.ticksFor(0, 200)).decide(6, 0, 5, 0).retireOne());
    }
}
