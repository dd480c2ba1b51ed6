package dm.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How long the watchdog pauses while the worker is idle. */
class WatchdogTest {

    @Test
    void idleWithTheDefaultTimeoutsOrNoneItLooksOnceASecond() {
        assertEquals(1000, Watchdog.idlePeriodMillis(ReadTimeouts.of(20_000, 60_000)));
        assertEquals(1000, Watchdog.idlePeriodMillis(ReadTimeouts.of(0, 0)));
    }

    @Test
    void aShortTimeoutShortensThePauseToATenthOfIt() {
        assertEquals(500, Watchdog.idlePeriodMillis(ReadTimeouts.of(5_000, 60_000)), "first byte");
        assertEquals(300, Watchdog.idlePeriodMillis(ReadTimeouts.of(0, 3_000)), "read");
    }

    @Test
    void neverShorterThanTheBusyPeriod() {
        assertEquals(Watchdog.PERIOD_MILLIS, Watchdog.idlePeriodMillis(ReadTimeouts.of(0, 200)));
    }
}
