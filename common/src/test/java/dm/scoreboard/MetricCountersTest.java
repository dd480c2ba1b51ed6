package dm.scoreboard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dm.ExitCodes;

/** The records' metric array: its layout, the histograms' buckets (slots), exits by cause and pool.min (control). */
class MetricCountersTest {

    /** The heap implementation generated at build time (Values.newHeapInstance would need Chronicle's JVM flags). */
    private static SlotValue heapValue() {
        try {
            return (SlotValue) Class.forName(SlotValue.class.getName() + "$$Heap").getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static Control control() {
        return new Control(heapValue(), null);
    }

    /** A slot with one thread record: request times go in the thread's record, boot times in the slot's. */
    private static Slot slot() {
        SlotValue process = heapValue();
        return new Slot(0, process, new ThreadSlot[] {new ThreadSlot(0, heapValue(), process, null)}, null);
    }

    @Test
    void theLayoutFitsTheArrayWithoutOverlaps() {
        assertEquals(0, MetricSlots.REQUESTS);
        assertEquals(MetricSlots.REQUESTS + Histogram.REQUEST_SECONDS.width(), MetricSlots.BOOTS);
        assertEquals(MetricSlots.BOOTS + Histogram.BOOT_SECONDS.width(), MetricSlots.USED_IN_SLOTS);
        assertTrue(MetricSlots.USED_IN_SLOTS <= MetricSlots.LENGTH, MetricSlots.USED_IN_SLOTS + " used of " + MetricSlots.LENGTH);
        assertTrue(MetricSlots.EXITS + WorkerExitCause.values().length <= MetricSlots.POOL_MIN, "exit causes fit");
        assertTrue(MetricSlots.USED_IN_CONTROL <= MetricSlots.LENGTH);
    }

    @Test
    void anObservationOnABoundGoesInThatBucketAsPrometheusLeSays() {
        Histogram requests = Histogram.REQUEST_SECONDS;
        assertEquals(0, requests.bucket(0));
        assertEquals(0, requests.bucket(0.001));
        assertEquals(1, requests.bucket(0.0011));
        assertEquals(15, requests.bucket(300));
        assertEquals(16, requests.bucket(300.5), "+Inf");
    }

    @Test
    void requestDurationsAreCountedPerBucketWithTheirSumInSeconds() {
        Slot slot = slot();
        ThreadSlot thread = slot.thread(0);
        thread.observeRequest(500_000); // 0.5 ms
        thread.observeRequest(2_000_000); // 2 ms
        thread.observeRequest(2_000_000);
        thread.observeRequest(400_000_000_000L); // 400 s: +Inf
        Histogram.Reading reading = thread.requestDurations();
        long[] expected = new long[17];
        expected[0] = 1;
        expected[1] = 2;
        expected[16] = 1;
        assertArrayEquals(expected, reading.counts());
        assertEquals(4, reading.count());
        assertEquals(400.0045, reading.sum(), 1e-9);
        assertEquals(0, slot.bootDurations().count(), "boot times apart");
        slot.prepare(1, 0);
        assertEquals(4, thread.requestDurations().count(), "kept for the next worker in the slot");
        Histogram.Reading twice = reading.plus(thread.requestDurations());
        assertEquals(8, twice.count());
        assertEquals(800.009, twice.sum(), 1e-9);
    }

    @Test
    void bootTimesHaveTheirOwnBuckets() {
        Slot slot = slot();
        slot.observeBoot(900);
        slot.observeBoot(1_700);
        Histogram.Reading reading = slot.bootDurations();
        assertEquals(2, reading.count());
        assertEquals(1, reading.counts()[3], "0.9 s: le 1");
        assertEquals(1, reading.counts()[5], "1.7 s: le 2");
        assertEquals(2.6, reading.sum(), 1e-9);
    }

    @Test
    void exitsAreCountedByCauseAndPoolMinIsKept() {
        Control control = control();
        control.countExit(WorkerExitCause.SIGNAL);
        control.countExit(WorkerExitCause.SIGNAL);
        control.countExit(WorkerExitCause.LEFT);
        control.setPoolMin(4);
        assertEquals(2, control.exits(WorkerExitCause.SIGNAL));
        assertEquals(1, control.exits(WorkerExitCause.LEFT));
        assertEquals(0, control.exits(WorkerExitCause.ERROR));
        assertEquals(4, control.poolMin());
    }

    @Test
    void theCauseOfAnExitFromWhatTheSupervisorKnows() {
        assertEquals(WorkerExitCause.KILLED, WorkerExitCause.of(137, true, false));
        assertEquals(WorkerExitCause.LEFT, WorkerExitCause.of(ExitCodes.WORKER_LEFT, false, false));
        assertEquals(WorkerExitCause.RECYCLED, WorkerExitCause.of(ExitCodes.WORKER_RECYCLED, false, false));
        assertEquals(WorkerExitCause.BOOT_FAILED, WorkerExitCause.of(ExitCodes.WORKER_BOOT_FAILED, false, true));
        assertEquals(WorkerExitCause.BOOT_FAILED, WorkerExitCause.of(1, false, true), "the JVM refused to start");
        assertEquals(WorkerExitCause.ERROR, WorkerExitCause.of(1, false, false), "a crash after accepting");
        assertEquals(WorkerExitCause.SIGNAL, WorkerExitCause.of(128 + 9, false, false), "the OOM killer");
        assertEquals(WorkerExitCause.ERROR, WorkerExitCause.of(3, false, false), "ExitOnOutOfMemoryError");
        assertEquals("boot_failed", WorkerExitCause.BOOT_FAILED.label());
    }
}
