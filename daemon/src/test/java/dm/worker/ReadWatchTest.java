package dm.worker;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The deadline bookkeeping, on a clock the test moves. */
class ReadWatchTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final ReadWatch watch = new ReadWatch(now::get);

    private void advanceMillis(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    @Test
    void aReadPastItsDeadlineIsCutOnceAndReportsATimeout() {
        watch.arm(300);
        advanceMillis(299);
        assertFalse(watch.expireOverdueRead(), "not yet due");
        advanceMillis(1);
        assertTrue(watch.expireOverdueRead());
        assertFalse(watch.expireOverdueRead(), "cut once");
        assertTrue(watch.disarm(), "the reader learns it timed out");
    }

    @Test
    void aReadThatReturnedInTimeIsNeverCut() {
        watch.arm(300);
        advanceMillis(100);
        assertFalse(watch.disarm());
        advanceMillis(10_000);
        assertFalse(watch.expireOverdueRead(), "no read is waiting");
    }

    @Test
    void eachReadGetsItsOwnDeadline() {
        watch.arm(300);
        advanceMillis(200);
        assertFalse(watch.disarm());
        watch.arm(300);
        advanceMillis(200);
        assertFalse(watch.expireOverdueRead(), "400 ms since the first read began, 200 since this one");
        advanceMillis(100);
        assertTrue(watch.expireOverdueRead());
    }

    @Test
    void zeroIsNoLimit() {
        watch.arm(0);
        advanceMillis(TimeUnit.DAYS.toMillis(1));
        assertFalse(watch.expireOverdueRead());
        assertFalse(watch.disarm());
    }

    @Test
    void aDeadlineOnTheClocksSentinelValuesStillCounts() {
        now.set(-TimeUnit.MILLISECONDS.toNanos(300)); // due exactly at 0, the "not reading" value
        watch.arm(300);
        advanceMillis(299);
        assertFalse(watch.expireOverdueRead());
        advanceMillis(1);
        now.incrementAndGet(); // moved off the sentinel by a nanosecond
        assertTrue(watch.expireOverdueRead());
    }

    @Test
    void aConnectionClosedMeanwhileIsNotCut() {
        watch.arm(300);
        watch.unwatch();
        advanceMillis(1_000);
        assertFalse(watch.expireOverdueRead());
    }
}
