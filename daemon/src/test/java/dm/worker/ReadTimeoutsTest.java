package dm.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ReadTimeoutsTest {
    static final String FIRST = "worker.first-byte-timeout-ms";
    static final String READ = "worker.read-timeout-ms";

    @Test
    void theFirstByteTimeoutCountsUntilTheFirstByteThenTheReadTimeout() {
        assertEquals(new ReadTimeouts(20_000, FIRST, 60_000), ReadTimeouts.of(20_000, 60_000));
    }

    @Test
    void aShorterReadTimeoutCountsForTheFirstByteToo() {
        assertEquals(new ReadTimeouts(700, READ, 700), ReadTimeouts.of(20_000, 700));
    }

    @Test
    void zeroMeansNoSeparateLimitOrNoLimit() {
        assertEquals(new ReadTimeouts(60_000, READ, 60_000), ReadTimeouts.of(0, 60_000));
        assertEquals(new ReadTimeouts(5_000, FIRST, 0), ReadTimeouts.of(5_000, 0), "'wait forever' after the first byte");
        assertEquals(new ReadTimeouts(0, READ, 0), ReadTimeouts.of(0, 0));
    }

    @Test
    void equalTimeoutsNameTheFirstByteTimeout() {
        assertEquals(new ReadTimeouts(1_000, FIRST, 1_000), ReadTimeouts.of(1_000, 1_000));
    }
}
