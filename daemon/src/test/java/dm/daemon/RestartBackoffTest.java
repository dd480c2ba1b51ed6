package dm.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RestartBackoffTest {

    @Test
    void doublesForWorkersThatDieYoungAndResetsForOnesThatLived() {
        RestartBackoff backoff = new RestartBackoff(2_000, 1_000);
        assertEquals(100, backoff.afterDeath(50));
        assertEquals(200, backoff.afterDeath(50));
        assertEquals(400, backoff.afterDeath(50));
        assertEquals(800, backoff.afterDeath(50));
        assertEquals(1_000, backoff.afterDeath(50));
        assertEquals(1_000, backoff.afterDeath(50));
        assertEquals(0, backoff.afterDeath(5_000));
        assertEquals(100, backoff.afterDeath(50));
    }

    @Test
    void zeroMaximumMeansRestartAtOnce() {
        assertEquals(0, new RestartBackoff(2_000, 0).afterDeath(1));
    }
}
